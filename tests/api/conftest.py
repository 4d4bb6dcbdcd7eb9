"""An API client that checks every response against the OpenAPI document."""
import re

import jsonschema
import pytest


class Api:
    """Call /api/v1 as a user and validate each response against /api/v1/openapi.json."""

    def __init__(self, client, doc):
        self.client, self.doc = client, doc
        # Concrete paths before templated ones, as OpenAPI matches them.
        ordered = sorted(doc["paths"], key=lambda p: p.count("{"))
        self.templates = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), p)
                          for p in ordered]

    def call(self, method, path, user=None, json=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {user.token}"
        response = self.client.open(f"/api/v1{path}", method=method, json=json, headers=headers,
                                    **kwargs)
        self.check(method, path.split("?")[0], response)
        return response

    def get(self, path, user=None, **kw):
        return self.call("GET", path, user, **kw)

    def post(self, path, user=None, json=None, **kw):
        return self.call("POST", path, user, json, **kw)

    def check(self, method, path, response):
        """Fail unless the response is documented and matches its schema."""
        template = next((t for rx, t in self.templates if rx.match(path)), None)
        assert template, f"{path} is not in the OpenAPI document"
        operation = self.doc["paths"][template][method.lower()]
        documented = operation["responses"].get(str(response.status_code))
        assert documented, f"{method} {template} answered {response.status_code}, undocumented"
        content = documented["content"]
        assert response.mimetype in content, f"{response.mimetype} not documented for {template}"
        schema = {**content[response.mimetype]["schema"], "components": self.doc["components"]}
        jsonschema.validate(response.get_json(), schema,
                            cls=jsonschema.Draft202012Validator)


@pytest.fixture
def api(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    return Api(client, doc)
