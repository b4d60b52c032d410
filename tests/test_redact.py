"""Redaction of personal data with Presidio + UK recognisers, offline."""

from __future__ import annotations

import pytest

from complaint_themes.errors import ComplaintThemesError
from complaint_themes.redact import Redactor, redact


@pytest.mark.parametrize("text, secret, placeholder", [
    ("My name is Sarah Jones and the lift is broken.", "Sarah Jones", "<PERSON>"),
    ("Mrs Okafor next door has the same leak.", "Okafor", "<PERSON>"),
    ("I live at 14 Elm Road and the bins were missed.", "14 Elm Road", "<ADDRESS>"),
    ("There is mould in Flat 3 of our block.", "Flat 3", "<ADDRESS>"),
    ("Our postcode is N17 6AB.", "N17 6AB", "<POSTCODE>"),
    ("postcode e8 3qt, nobody came", "e8 3qt", "<POSTCODE>"),
    ("Call me on 07700 900123 after six.", "07700 900123", "<PHONE>"),
    ("Landline +44 (0)20 7946 0018 please.", "7946 0018", "<PHONE>"),
    ("Email me at sarah.jones@example.co.uk today.", "sarah.jones@example.co.uk", "<EMAIL>"),
    ("My NI number is AB 12 34 56 C.", "AB 12 34 56 C", "<NI_NUMBER>"),
    ("NHS number 943 476 5919 on the letter.", "943 476 5919", "<NHS_NUMBER>"),
    ("Please sort it out.\nThanks, Priya Nair", "Priya Nair", "<PERSON>"),
    ("Yours sincerely,\nTomasz Wojcik", "Tomasz Wojcik", "<PERSON>"),
])
def test_each_identifier_kind_is_replaced(text, secret, placeholder):
    out = redact(text)
    assert secret not in out
    assert placeholder in out


def test_street_name_and_ordinary_numbers_are_kept():
    text = "The street lights on Mill Lane have been out for 3 weeks and I paid £60."
    assert redact(text) == text


def test_list_in_list_out():
    assert redact(["no personal data here", "Call 07700 900123"]) == [
        "no personal data here", "Call <PHONE>"]


def test_no_network_for_email_checks(monkeypatch):
    import socket

    from complaint_themes import redact as module

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    module._engines.cache_clear()  # rebuild: tldextract must load its list without a fetch
    module._default_redactor.cache_clear()
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert redact("write to a.b@council.gov.uk") == "write to <EMAIL>"
    assert attempts == []


def test_unknown_entity_is_an_error():
    with pytest.raises(ComplaintThemesError, match=r"cannot redact unknown entity type\(s\) "
                                                   r"\['US_SSN'\]"):
        Redactor(entities=["US_SSN"])


def test_entities_can_be_limited():
    assert Redactor(entities=["PHONE_NUMBER"]).redact("Sarah Jones, 07700 900123") == \
        "Sarah Jones, <PHONE>"


def test_sign_off_keeps_the_greeting():
    assert redact("Can someone call me? Kind regards, Priya Nair") == (
        "Can someone call me? Kind regards, <PERSON>")


def test_days_and_months_are_not_names():
    out = redact("Garden waste not collected yesterday (Tues 11 Aug) on Larch Road.")
    assert "Tues 11 Aug" in out and "<PERSON>" not in out
