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


@pytest.mark.parametrize("text, secret, placeholder", [
    ("Ring me on (020) 7946 0018 any time.", "7946 0018", "<PHONE>"),
    ("My mobile is +44 7700 900 123.", "7700 900 123", "<PHONE>"),
    ("mobile +447700900123", "7700900123", "<PHONE>"),
    ("07700-900-123 is my number", "900-123", "<PHONE>"),
    ("NHS no 943-476-5919", "943-476-5919", "<NHS_NUMBER>"),
    ("NHS number: 123 456 7890 (typed from the letter)", "456 7890", "<NHS_NUMBER>"),
    ("nhs no. 4857773456", "4857773456", "<NHS_NUMBER>"),
    ("NI number AB123456C please", "AB123456C", "<NI_NUMBER>"),
    ("NI: AB-12-34-56-C", "AB-12-34-56-C", "<NI_NUMBER>"),
    ("my NI is QQ123456C", "QQ123456C", "<NI_NUMBER>"),
    ("national insurance ab 12 34 56 c", "ab 12 34 56 c", "<NI_NUMBER>"),
    ("national insurance number JK 55 66 77", "JK 55 66 77", "<NI_NUMBER>"),
    ("postcode n17 6ab", "n17 6ab", "<POSTCODE>"),
    ("we are at sw1a 1aa", "sw1a 1aa", "<POSTCODE>"),
    ("send it to XY12 3CD", "XY12 3CD", "<POSTCODE>"),
    ("I live at 22 acacia avenue with my kids", "22 acacia avenue", "<ADDRESS>"),
    ("22 Acacia Avenue, Walthamstow, London E17 4QP", "Walthamstow", "<ADDRESS>"),
    ("Dear Sarah, the repair is booked.", "Sarah", "<PERSON>"),
    ("My elderly mother, Joan Reid, fell on the stairs.", "Joan Reid", "<PERSON>"),
    ("a lady called Sharon was rude to me", "Sharon", "<PERSON>"),
])
def test_uk_formats_are_replaced(text, secret, placeholder):
    out = redact(text)
    assert secret not in out, out
    assert placeholder in out, out


@pytest.mark.parametrize("text", [
    "The lift in Block A1 2nd floor is broken again.",
    "I left at 9am and came back at 5pm.",
    "It costs 10 20 30 a week depending on the band.",
    "Case ref AB123456 was closed without a reply.",
    "Dear Sir/Madam, nobody came.",
    "Dear Housing Team, nobody came.",
    "My son and I waited 2 hours on the road outside.",
])
def test_look_alikes_are_kept(text):
    assert redact(text) == text


def test_the_words_after_an_address_are_kept():
    assert redact("I live at 14 Elm Road, It has been damp for months.") == (
        "I live at <ADDRESS>, It has been damp for months.")


@pytest.mark.parametrize("text, expected", [
    ("Ring Sarah Jones on Monday about it.", "Ring <PERSON> on Monday about it."),
    ("Hello Tomasz Wojcik here, the bins again.", "Hello <PERSON> here, the bins again."),
])
def test_verbs_and_greetings_before_a_name_are_kept(text, expected):
    assert redact(text) == expected
