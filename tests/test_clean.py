from complaint_themes.clean import clean_text


def test_markup_and_entities_are_removed():
    assert clean_text("<p>The bin was&nbsp;missed &amp; left</p><br/>") == (
        "The bin was missed & left")


def test_quoted_reply_and_signatures_are_dropped():
    text = ("Still no repair to my boiler.\n\nSent from my iPhone\n\n"
            "-----Original Message-----\nFrom: repairs@council\nWe will visit on Monday")
    assert clean_text(text) == "Still no repair to my boiler."


def test_the_residents_words_are_kept():
    text = "I rang on 3 May (ref 1234) > twice < and   nobody came.\nPlease help."
    assert clean_text(text) == "I rang on 3 May (ref 1234) > twice < and nobody came.\nPlease help."


def test_a_message_that_is_only_a_reply_keeps_its_text():
    assert clean_text("On 2 May 2026 Ann wrote:\nbins missed") == (
        "On 2 May 2026 Ann wrote:\nbins missed")
