"""`make serve` prints how to sign in as each example officer of the local user pool."""

from devtools.serve import sign_in_details
from devtools.stack import LOCAL_PASSWORD, SIGN_IN_ACCOUNTS


def test_make_serve_prints_every_example_account_and_the_password():
    text = sign_in_details("http://127.0.0.1:8000")
    assert "http://127.0.0.1:8000/app/sign-in" in text and LOCAL_PASSWORD in text
    for account in SIGN_IN_ACCOUNTS:
        assert account.email in text
    assert "lucknow.police@example.in    officer, district 162, police" in text
