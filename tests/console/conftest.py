from console.kit import _console_registered, _fresh, cases, staff  # noqa: F401  (fixtures)
