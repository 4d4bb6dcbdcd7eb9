from console.kit import _fresh, cases, staff  # noqa: F401  (fixtures)
