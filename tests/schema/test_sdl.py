from schema.export import SDL_PATH, sdl


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text() == sdl(), "schema.graphql is out of date: run `python -m schema.export`"
