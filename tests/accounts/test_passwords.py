import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.personas import PASSWORD


def test_passwords_are_hashed_with_argon2():
    hashed = make_password(PASSWORD)
    assert identify_hasher(hashed).algorithm == "argon2" and PASSWORD not in hashed
    assert check_password(PASSWORD, hashed)


@pytest.mark.parametrize("weak", ["short1", "12345678901234", "password12345"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)
