from hypothesis import settings

settings.register_profile("solver", deadline=None, derandomize=True, max_examples=150, print_blob=True)
settings.load_profile("solver")
