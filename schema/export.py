"""Write the SDL to ``schema.graphql`` (the API's contract); a test fails when code and file differ."""

from __future__ import annotations

import sys
from pathlib import Path

from schema.build import schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    return schema.as_str() + "\n"


def main() -> None:
    SDL_PATH.write_text(sdl())
    print(f"wrote {SDL_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
