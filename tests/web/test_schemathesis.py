"""schemathesis against ``/api/openapi.json``: generated requests (valid ones and invalid ones)
to every operation, public ones anonymously and back-office ones with alice's token, find no
server error, no status code the schema does not declare and no response that does not match
its declared schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import ServerError
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from prima.config.api import api
from prima.config.wsgi import application
from tests.web.personas import add_alpha_private_data

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
MAX_EXAMPLES = 80

OPENAPI = api.get_openapi_schema()
OPERATIONS = [(path, method) for path, ops in OPENAPI["paths"].items() for method in ops]


def can_be_violated(operation: dict) -> bool:
    """Whether a request can break the operation's schema (a free-text path parameter cannot)."""
    plain = {"type": "string"}
    params = operation.get("parameters", [])
    constrained = any(
        {k: v for k, v in p["schema"].items() if k != "title"} != plain for p in params
    )
    return bool(operation.get("requestBody") or operation.get("security") or constrained)


CASES = [
    pytest.param(path, method, mode, id=f"{method.upper()} {path} {mode}")
    for path, method in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or can_be_violated(OPENAPI["paths"][path][method])
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def schema(db):
    # The WSGI handler closes "obsolete" connections around each request, which inside a test's
    # transaction means closing it (PostgreSQL); Django's test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def real_path_parameters(world, operation) -> dict[str, str]:
    """Path parameters naming real objects, so that generation reaches past the 404s."""
    names = {p.name for p in operation.path_parameters}
    values = {}
    if "code" in names:
        values["code"] = world.skm.code
    if "slug" in names:
        values["slug"] = world.alpha.slug
    return values


def run(world, schema, path: str, method: str, mode: GenerationMode) -> None:
    operation = schema[path][method.upper()]
    secured = bool(operation.definition.raw.get("security"))
    headers = {"Authorization": f"Bearer {world.token('alice')}"} if secured else {}
    real = real_path_parameters(world, operation)
    strategy = operation.as_strategy(generation_mode=mode)
    if real:
        strategy = st.one_of(
            strategy, operation.as_strategy(generation_mode=mode, path_parameters=real)
        )

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize(("path", "method", "mode"), CASES)
def test_api_conforms_to_its_schema(world, schema, path, method, mode):
    add_alpha_private_data(world)
    run(world, schema, path, method, mode)


def test_every_operation_is_fuzzed(schema):
    operations = {(op.ok().path, op.ok().method.lower()) for op in schema.get_all_operations()}
    assert operations == set(OPERATIONS)
    assert len(OPERATIONS) >= 11


def test_the_checks_catch_an_undeclared_status(world, schema, monkeypatch):
    """The harness fails when an operation answers a status its schema does not declare."""
    from ninja.errors import HttpError

    import prima.surveys.api as surveys_api

    def teapot(code: str):
        raise HttpError(418, "teapot")

    monkeypatch.setattr(surveys_api, "survey_get_public", teapot)
    with pytest.raises(BaseExceptionGroup) as failures:
        run(world, schema, "/api/v1/public/surveys/{code}", "get", GenerationMode.POSITIVE)
    assert failures.group_contains(UndefinedStatusCode)


def test_the_checks_catch_a_server_error(world, schema, monkeypatch):
    import prima.insights.api as insights_api

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(insights_api, "survey_results", boom)
    with pytest.raises(BaseExceptionGroup) as failures:
        run(world, schema, "/api/v1/surveys/{code}/results", "get", GenerationMode.POSITIVE)
    assert failures.group_contains(ServerError)
