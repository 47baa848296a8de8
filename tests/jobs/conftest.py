from tests.jobs.helpers import fresh_jobs

__all__ = ["fresh_jobs"]
