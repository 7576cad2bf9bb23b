"""The optional fields organisers asked for: `title_en` on needs, `contact` on SMEs."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from gssc_match.catalogue.models import Contact, Need, Sme
from gssc_match.catalogue.schema import json_schema

GOOD_EMAILS = ["a@b.pl", "jan.kowalski@firma.com.pl", "nuria.puig+gssc@example.cat", "ü@ö.de"]
BAD_EMAILS = ["x", "a@b", "a b@c.de", "a@b..c", "=a@b.c", "-x@y.z", "+x@y.z", "@x.y", "a@@b.c"]


@pytest.mark.parametrize("email", GOOD_EMAILS)
def test_good_emails(email: str) -> None:
    assert Contact(name="Jan Kowalski", email=f" {email} ").email == email


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_bad_emails(email: str) -> None:
    with pytest.raises(ValidationError):
        Contact(name="Jan Kowalski", email=email)


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "Jan\nKowalski", "", "@jan"])
def test_bad_contact_names(name: str) -> None:
    with pytest.raises(ValidationError):
        Contact(name=name, email="jan@example.pl")


@pytest.mark.parametrize("email", GOOD_EMAILS + BAD_EMAILS)
def test_the_schema_pattern_agrees_with_the_validator(email: str) -> None:
    """Editors see the same rule: the JSON Schema's pattern accepts exactly what loads."""
    schema = json.loads(json_schema(Sme))
    rule = schema["$defs"]["Contact"]["properties"]["email"]
    accepted = re.search(rule["pattern"], email) is not None and len(email) <= rule["maxLength"]
    assert accepted == (email in GOOD_EMAILS)


def test_both_fields_are_optional_and_documented() -> None:
    assert not Sme.model_fields["contact"].is_required()
    assert not Need.model_fields["title_en"].is_required()
    assert Sme.model_fields["contact"].description
    assert Need.model_fields["title_en"].description
