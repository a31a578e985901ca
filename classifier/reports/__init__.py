"""Pure views: the library's dataclasses in, strings (or rich renderables) out.

Nothing here reads models or data; the CLI (and any other caller) writes what
these return.
"""
