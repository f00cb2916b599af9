"""The code zip: small, precompiled, and it runs on its own the way Lambda runs it."""

import importlib.util
import marshal
import os
import zipfile

import pytest

from devtools.package import MAX_ZIP_BYTES, PROVIDED_BY_LAMBDA, UNUSED_DEPENDENCY_PARTS, imported_modules
from devtools.packaged import admin_token, sandbox

PYC_TAG = importlib.util.cache_from_source("x.py").rsplit("/", 1)[1].split(".")[1]  # cpython-311


def names(package):
    with zipfile.ZipFile(package.zip) as z:
        return z.namelist()


def test_the_zip_is_under_5_mb_and_leaves_out_what_lambda_provides(packaged):
    package = packaged("dev")
    assert package.zip.stat().st_size < MAX_ZIP_BYTES
    tops = {n.split("/")[0] for n in names(package)}
    assert {"app.py", "chalicelib", "chalice", "tweepy", "aws_lambda_powertools"} <= tops
    assert not tops & set(PROVIDED_BY_LAMBDA), "boto3 comes from the Lambda runtime"
    assert not tops & {"devtools", "tests", "bench", "infra"}, "development and build code stays out"
    assert not [n for n in names(package) if "build_places" in n], "the triage data builder runs at build time only"


def test_every_module_ships_precompiled_for_the_lambda_runtime(packaged):
    package = packaged("dev")
    listed = set(names(package))
    sources = [n for n in listed if n.endswith(".py")]
    missing = [
        n for n in sources
        if f"{os.path.dirname(n)}/__pycache__/{os.path.basename(n)[:-3]}.{PYC_TAG}.pyc".lstrip("/") not in listed
    ]  # fmt: skip
    assert set(missing) == set(package.zip_report.not_compiled)
    assert not [n for n in missing if n == "app.py" or n.startswith(("chalicelib/", "chalice/"))]
    with zipfile.ZipFile(package.zip) as z:
        pyc = z.read(f"__pycache__/app.{PYC_TAG}.pyc")
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01, "unchecked-hash .pyc: the zip's 1980 timestamps never match"
    assert marshal.loads(pyc[16:]).co_filename == "/var/task/app.py"


def test_unused_parts_of_dependencies_are_left_out_and_imported_ones_kept(packaged):
    tops = {"/".join(n.split("/")[:3]) for n in names(packaged("dev"))} | {"/".join(n.split("/")[:2]) for n in names(packaged("dev"))}
    used = imported_modules()
    for part in UNUSED_DEPENDENCY_PARTS:
        shipped = part.replace(".", "/") in tops
        imported = any(m == part or m.startswith(part + ".") for m in used)
        assert shipped == imported, part


@pytest.fixture
def box(stack, packaged, tmp_path):
    return sandbox(packaged("dev").zip, tmp_path, {**stack.env, "PATH": os.environ.get("PATH", "")})


def signing_key(stack):
    answer = stack.client("ssm").get_parameter(Name=stack.env["TOKEN_SIGNING_KEY_PARAMETER"], WithDecryption=True)
    return answer["Parameter"]["Value"]


def test_the_packaged_functions_run_from_the_zip_alone(box, stack):
    poll = box.poll()
    created = poll["result"]["created"]
    assert created and poll["result"]["alerts_sent"] > 0
    authorized = box.authorize(admin_token(signing_key(stack)))
    assert authorized["result"]["principalId"]
    status = box.status(authorized["result"])
    assert status["result"]["statusCode"] == 200, status["result"]
    import json

    assert json.loads(status["result"]["body"])["complaints"]["total"] == len(created)
    for answer in (poll, authorized, status):
        files = [f for f in answer["module_files"].values() if f]
        assert not [f for f in files if "site-packages" in f and "lambda-runtime" not in f], "loaded from the venv"


def test_the_api_function_does_not_load_what_only_the_poller_needs(box, stack):
    authorized = box.authorize(admin_token(signing_key(stack)))
    status = box.status(authorized["result"])
    loaded = {m.split(".")[0] for m in status["modules"]}
    assert not loaded & {"tweepy", "requests", "oauthlib", "requests_oauthlib"}
