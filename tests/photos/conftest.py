from web.kit import _fresh, people, worker_client  # noqa: F401  (fixtures)
