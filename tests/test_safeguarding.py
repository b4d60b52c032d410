"""Safeguarding / urgent-risk flags: found by their own rules, whatever the theme."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from complaint_themes.errors import InputError
from complaint_themes.safeguarding import (
    KINDS,
    _rx,
    find_flags,
    flag_counts,
    flag_table,
    split_sentences,
    summary_line,
)


def kinds(text: str) -> set[str]:
    return {f.kind for f in find_flags(text)}


POSITIVES = {
    "self_harm": [
        "I can't go on like this any more.",
        "Some days I just want to end it all.",
        "There's no point any more, nobody listens.",
        "My son took an overdose last month while waiting for CAMHS.",
        "I have been having suicidal thoughts since the eviction notice.",
        "My daughter has been self-harming and the school did nothing.",
        "Honestly I would be better off dead.",
        "He told the nurse he wanted to kill himself.",
        "I don\u2019t want to be here anymore.",  # curly apostrophe
        "I CANNOT GO ON.",
        "My partner threatened to take his own life after the eviction letter.",
        "I feel like ending it.",
        "I just want to go to sleep and not wake up.",
        "I don't see the point in living anymore.",
    ],
    "person_at_risk": [
        "My neighbour's children are left home alone every night.",
        "My elderly mother was left without food or water for two days.",
        "The carer didn't turn up again so Dad had no lunch.",
        "I am fleeing domestic abuse with my two kids.",
        "I think the boy next door is being groomed by a gang for county lines.",
        "Someone is financially abusing my grandad.",
        "Mum has pressure sores because nobody turned her.",
        "The nursery left my 3-year-old outside on her own.",
        "The carer slapped my mother, who has dementia.",
        "There are unexplained bruises on his arms since he moved into the care home.",
        "My 85-year-old aunt was scammed out of her savings.",
        "My son went missing from the children's home on Friday.",
        "My neighbour leaves her two young children alone all day.",
        "My father hasn't had his medication for three days.",
        "The school sent my 6 year old home on his own.",
        "My mother was left lying on the floor for six hours after a fall.",
    ],
    "violence_or_threat": [
        "My neighbour threatened to stab me.",
        "He punched my son in the stairwell.",
        "A man with a knife has been hanging around the bin store.",
        "The man upstairs said he would kill me if I complained again.",
        "I was assaulted outside the housing office.",
        "My ex keeps turning up and I am being stalked.",
        "Youths threw bricks at our windows last night.",
        "The neighbour spat at me and made death threats.",
        "He came at me with a hammer.",
        "He said he'd burn the house down.",
        "My husband beats me.",
    ],
    "housing_hazard": [
        "There is black mould in the bedroom where my baby sleeps.",
        "We have had no heating or hot water for two weeks. My mum is 84 and disabled.",
        "Water is pouring through the ceiling. My son's asthma has got worse.",
        "The damp is making my chest bad and I've been to the GP twice.",
        "I'm pregnant and the boiler has broken down again.",
        "The leak was fixed in May but the mould came back and my daughter is wheezing.",
        "The flat is freezing. My husband has COPD.",
        "My toddler keeps coughing. The walls are wet and there's condensation everywhere.",
        "The hot water has been off for a week and I have a newborn.",
        "We've been without heating all winter and my 90 year old mum is staying with us.",
    ],
}

NEGATIVES = {
    "self_harm": [
        "The wait on the phone line is killing me.",
        "I'm dying to know why my bin was not emptied.",
        "We cannot go on paying for a service that never comes.",
        "There's no point complaining any more, nobody reads them.",
        "The patient denied any thoughts of self-harm.",
        "This situation can't go on.",
        "I hurt myself when I tripped on the broken paving slab.",
        "My grandmother wanted to die at home, not on a corridor.",
        "I rang the secretary 20 odd times.",
    ],
    "person_at_risk": [
        "The council has neglected the repairs on our estate for years.",
        "This is an abuse of process.",
        "The housing officer was verbally abusive to me on the phone.",
        "My dad's hearing aids went missing on the ward.",
        "The dog grooming parlour next door is noisy.",
        "They neglected to tell me the appointment had moved.",
        "My daughter is missing school because the taxi is late.",
        "Please safeguard my personal data.",
        "My son is at risk of losing his school place.",
        "The landlord exploited a loophole in the tenancy agreement.",
        "My mental health has hit rock bottom.",
    ],
    "violence_or_threat": [
        "Please attack the backlog of repairs.",
        "I was threatened with a fine for putting the wrong bin out.",
        "I had a panic attack after the letter arrived.",
        "The bailiffs sent threatening letters about council tax.",
        "The contractor used a nail gun at 7am.",
        "The wait on hold is killing me.",
        "It was daylight robbery to charge 80 pounds for a bulky item.",
        "My son was kicking a ball on the green.",
        "Deal with the mould properly instead of slapping paint over it.",
        "The reminder notice was threatening a summons.",
        "He is threatening suicide.",  # self_harm, not a threat to others
    ],
    "housing_hazard": [
        "The bread in the food parcel was mouldy and my kids couldn't eat it.",
        "There is mould on the shed in the garden where the children play.",
        "The leak was fixed last week. My daughter has asthma.",
        "There is mould in the bedroom.",
        "At my previous flat we had damp, and my son has asthma.",
        "My details were leaked to my neighbour and my children are upset.",
        "There is no damp or mould in the property, but my son's asthma is bad.",
        "I am sick of chasing the damp team about the survey.",
        "The boiler has now been repaired. Thank you, my baby is warm again.",
    ],
}


@pytest.mark.parametrize(("kind", "text"),
                         [(k, t) for k, texts in POSITIVES.items() for t in texts])
def test_positive(kind, text):
    assert kind in kinds(text), text


@pytest.mark.parametrize(("kind", "text"),
                         [(k, t) for k, texts in NEGATIVES.items() for t in texts])
def test_hard_negative(kind, text):
    assert kind not in kinds(text), [f for f in find_flags(text) if f.kind == kind]


def test_ordinary_complaints_have_no_flags(texts):
    assert all(find_flags(t) == [] for t in texts)


def test_flag_gives_the_triggering_sentence_and_its_offsets():
    text = ("Dear Sir, I am writing about my repair.\n\nNobody has come in six weeks. "
            "Honestly, I can't go on like this. Please call me.")
    (flag,) = find_flags(text)
    assert flag.kind == "self_harm"
    assert flag.sentence == "Honestly, I can't go on like this."
    assert text[flag.start:flag.end] == flag.sentence
    assert flag.cue == "can't go on"


def test_a_guard_cancels_only_the_words_it_covers():
    flags = find_flags("The wait is killing me and yesterday he said he would kill me.")
    assert [f.kind for f in flags] == ["violence_or_threat"]
    assert flags[0].cue == "said he would kill me"


def test_housing_hazard_needs_health_anywhere_in_the_complaint():
    far = "There is mould in the bedroom. The bins were late. The road is noisy. My son has asthma."
    (flag,) = find_flags(far)
    assert flag.kind == "housing_hazard" and flag.sentence == "There is mould in the bedroom."
    assert kinds("There is mould in the bedroom. The bins were late. The road is noisy.") == set()


def test_several_kinds_and_sentences_in_reading_order():
    text = ("My partner hit me again last night. There is damp in the baby's room. "
            "I feel like there is no point any more.")
    flags = find_flags(text)
    assert [f.kind for f in flags] == ["violence_or_threat", "housing_hazard", "self_harm"]
    assert all(text[f.start:f.end] == f.sentence for f in flags)


@pytest.mark.parametrize("blank", ["", "   ", "\n\t", None])
def test_blank_text_has_no_flags(blank):
    assert find_flags(blank) == []


def test_flag_table_columns_blanks_and_order():
    texts = pd.Series(
        ["The boiler is broken and my baby is poorly. I can't go on.", "", None,
         "My bin was not emptied.", float("nan")],
        index=[10, 11, 12, 13, 14],
    )
    table = flag_table(texts)
    assert list(table.columns) == ["risk_flags", "risk_sentences"]
    assert list(table.index) == [10, 11, 12, 13, 14]
    assert table["risk_flags"].tolist() == ["self_harm|housing_hazard", "", "", "", ""]
    assert table["risk_sentences"].tolist()[0] == (
        "The boiler is broken and my baby is poorly. | I can't go on.")


def test_flag_table_refuses_numbers_and_single_strings():
    with pytest.raises(InputError, match=r"row 1 is int \(42\)"):
        flag_table(["a complaint", 42])
    with pytest.raises(InputError, match="not a single string"):
        flag_table("a complaint")


def test_counts_and_summary_line():
    column = ["self_harm|housing_hazard", "", "housing_hazard", ""]
    assert flag_counts(column) == {"self_harm": 1, "person_at_risk": 0,
                                   "violence_or_threat": 0, "housing_hazard": 2}
    assert summary_line(column) == (
        "risk flags: 2 rows need a person to read them today (self_harm 1, person_at_risk 0, "
        "violence_or_threat 0, housing_hazard 2)")
    assert summary_line(["", ""]) is None
    assert set(flag_counts(column)) == set(KINDS)


def test_sentence_splitter():
    text = "Mr. Jones came at 9. He left!  Then nothing\nNew line here? Yes"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Mr. Jones came at 9.", "He left!", "Then nothing", "New line here?", "Yes"]


def test_fast_regex_matches_the_plain_one():
    parts = (r"\b(?:take|took|taken)\s+(?:my|his)\s+life\b", r"\b(?:self-?)?neglect\w*",
             r"\bkids?\b|\bbab(?:y|ies)\b", r"\bno\s+(?:point|reason)\b")
    fast = _rx(*parts)
    plain = re.compile("|".join(f"(?:{p})" for p in parts))
    for text in ["he took his life", "taken my life", "self-neglect", "neglected", "kids",
                 "a baby", "babies", "no reason", "no point", "skids", "overtook his life",
                 "notaken my life", "the kid", "no pointless"]:
        assert bool(fast.search(text)) == bool(plain.search(text)), text


def test_classify_table_adds_risk_columns_to_every_row(model_dir, texts):
    from complaint_themes import load_model
    from complaint_themes.batch import classify_table, summarise

    df = pd.DataFrame({"text": [texts[0], "", "The mould is making my baby ill. I want to die."]},
                      index=[5, 5, 2])
    out = classify_table(df, load_model(model_dir))
    assert out["risk_flags"].tolist() == ["", "", "self_harm|housing_hazard"]
    assert out["risk_sentences"].tolist() == [
        "", "", "The mould is making my baby ill. | I want to die."]
    lines = summarise(out).splitlines()
    assert lines[0] == "3 rows classified."
    assert lines[1] == ("risk flags: 1 rows need a person to read them today (self_harm 1, "
                        "person_at_risk 0, violence_or_threat 0, housing_hazard 1)")
    assert "risk flags" not in summarise(out.assign(risk_flags=""))


def test_classify_table_refuses_an_input_with_risk_columns(model_dir, texts):
    from complaint_themes import load_model
    from complaint_themes.batch import classify_table

    df = pd.DataFrame({"text": texts[:2], "risk_flags": ["", ""]})
    with pytest.raises(InputError, match=r"already has column\(s\) risk_flags"):
        classify_table(df, load_model(model_dir), source="old.csv")


def test_cli_prints_the_risk_line(tmp_path, model_dir, texts):
    from click.testing import CliRunner

    from complaint_themes.cli import cli
    from complaint_themes.io import read_table

    path = tmp_path / "cases.csv"
    pd.DataFrame({"text": [*texts[:3], "Nobody checks on my elderly dad and he has no food."]}
                 ).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["classify", str(path), "-o", str(out),
                                      "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "risk flags: 1 rows need a person to read them today (self_harm 0, person_at_risk 1, "
        "violence_or_threat 0, housing_hazard 0)")
    written = read_table(out)
    assert written["risk_flags"].fillna("").tolist() == ["", "", "", "person_at_risk"]


# ------------------------------------------------------------ rule gaps closed (no encoder)
NEW_POSITIVES = [
    ("housing_hazard", "My dad is 89. The radiators have been off since Friday."),
    ("housing_hazard", "She's 83 and there is black stuff all over the bedroom wall."),
    ("housing_hazard", "I'm 84. There is mould in the kitchen. The bins are late. It is noisy."),
    ("housing_hazard", "My mother is 78 and the radiators are stone cold."),
    ("housing_hazard", "We put buckets under the ceiling every night. My baby has a cough."),
    ("self_harm", "I want it all to stop."),
    ("self_harm", "I took an overdose last year and lately the thoughts are back."),
    ("person_at_risk", "Mum is lying in a wet bed every morning when I arrive."),
    ("person_at_risk", "Dad has been living on biscuits since the meals stopped."),
    ("person_at_risk", "He controls her money and phone."),
    ("person_at_risk", "My partner won't let me see my friends."),
    ("person_at_risk", "My mother, who is 91, was hit by her carer."),
    ("violence_or_threat", "He leaned over the fence and said I know where you live."),
    ("violence_or_threat", "He told me to watch my back."),
    ("violence_or_threat", "He said he has not stopped threatening me."),
]
NEW_NEGATIVES = [
    ("self_harm", "I killed myself laughing at the letter."),
    ("self_harm", "I took an overdose last year but I'm doing much better now."),
    ("self_harm", "I self-harmed years ago. I am in a much better place now."),
    ("violence_or_threat", "It was a stabbing in the dark when they guessed the fault."),
    ("violence_or_threat", "I'm not threatening anyone, I just want it fixed."),
    ("violence_or_threat", "This is not a threat, but I will go to the ombudsman."),
    ("violence_or_threat", "You will be sorry to hear the lift is broken again."),
    ("housing_hazard", "There is mould in the bathroom. Nobody is ill but we want it sorted."),
    ("housing_hazard", "The bill is 80 pounds and there is mould in the bathroom."),
    ("housing_hazard", "The wait was 90 minutes. There is damp in the hall."),
    ("housing_hazard", "There is damp in the hall and we don't have any children."),
]


@pytest.mark.parametrize(("kind", "text"), NEW_POSITIVES)
def test_rule_gaps_closed(kind, text):
    assert kind in kinds(text), text


@pytest.mark.parametrize(("kind", "text"), NEW_NEGATIVES)
def test_new_guards(kind, text):
    assert kind not in kinds(text), [f for f in find_flags(text) if f.kind == kind]


def test_rule_flags_are_marked_as_rules():
    (flag,) = find_flags("I want it all to stop.")
    assert flag.source == "rules" and flag.cue == "want it all to stop"


# ----------------------------------------------------------------- semantic second pass
def test_semantic_pass_is_only_for_minilm():
    from complaint_themes.embed import HashingEncoder
    from complaint_themes.risk_semantic import uses_semantic_pass

    assert uses_semantic_pass("all-MiniLM-L6-v2")
    assert uses_semantic_pass("all-MiniLM-L6-v2:int8")
    assert not uses_semantic_pass("hashing")
    assert not uses_semantic_pass(HashingEncoder())
    assert not uses_semantic_pass("minilm-static")


def test_classify_table_leaves_the_semantic_pass_off_for_the_hashing_encoder(model_dir):
    from complaint_themes import load_model
    from complaint_themes.batch import classify_table

    df = pd.DataFrame({"text": ["He squared up to me and raised his fist at the bin store."]})
    out = classify_table(df, load_model(model_dir))
    assert out["risk_flags"].tolist() == [""]  # no rule covers it; no semantic pass ran


def test_prototypes_file_is_complete_and_checked(tmp_path):
    from complaint_themes.errors import ComplaintThemesError
    from complaint_themes.risk_semantic import load_prototypes

    protos = load_prototypes()
    assert set(protos.examples) == set(KINDS)
    assert all(15 <= len(v) <= 30 for v in protos.examples.values())
    assert all(0 < t < 1 for t in protos.thresholds.values())
    bad = tmp_path / "p.toml"
    bad.write_text('margin = 0.1\n[self_harm]\nthreshold = 1.5\nexamples = ["x"]\n')
    with pytest.raises(ComplaintThemesError, match=r"self_harm.threshold must be a number"):
        load_prototypes(bad)
    bad.write_text('[self_harm]\nthreshold = 0.5\nexamples = ["x"]\n')
    with pytest.raises(ComplaintThemesError, match=r"no \[person_at_risk\] table"):
        load_prototypes(bad)


SEMANTIC_POSITIVES = [
    ("self_harm", "Everyone would manage fine if I just wasn't here any more."),
    ("person_at_risk", "Her boyfriend checks her phone and decides where she is allowed to go."),
    ("violence_or_threat", "He leaned right into my face and raised his fist at me."),
    ("housing_hazard", "My son has asthma. Our clothes in the wardrobe have a green fur on them."),
]
SEMANTIC_NEGATIVES = [
    "I am at the end of my tether with this repair.",
    "The council controls the budget and should explain it.",
    "You will be hearing from my solicitor about this.",
    "The radiator in the hall needs bleeding. My mum is 86.",
    "Nobody has called me back about my repair for three weeks.",
    "My dad is 89 and wants to know why his bin was missed.",
]


@pytest.mark.encoder
@pytest.mark.parametrize(("kind", "text"), SEMANTIC_POSITIVES)
def test_semantic_pass_finds_risk_without_keywords(kind, text):
    assert kind not in kinds(text)  # the rules miss it...
    flags = [f for f in find_flags(text, semantic=True) if f.kind == kind]
    assert flags, text  # ...the semantic pass does not
    assert flags[0].source == "semantic" and flags[0].cue.startswith("~ ")
    assert text[flags[0].start:flags[0].end] == flags[0].sentence


@pytest.mark.encoder
@pytest.mark.parametrize("text", SEMANTIC_NEGATIVES)
def test_semantic_pass_leaves_ordinary_complaints_alone(text):
    assert find_flags(text, semantic=True) == []


@pytest.mark.encoder
def test_semantic_pass_respects_recovery_and_fixed_hazards():
    assert find_flags("Years ago I wanted it all to end. I'm doing much better now.",
                      semantic=True) == []
    assert find_flags("My son has asthma. The green fur in the wardrobe was removed and "
                      "treated last month.", semantic=True) == []


@pytest.mark.encoder
def test_flag_table_semantic_adds_to_the_rules_and_keeps_blanks():
    texts = pd.Series(["I want to die. Everyone would manage fine if I just wasn't here.", "",
                       None, "My bin was not emptied."], index=[3, 4, 5, 6])
    table = flag_table(texts, semantic=True)
    assert list(table.index) == [3, 4, 5, 6]
    assert table["risk_flags"].tolist() == ["self_harm", "", "", ""]
    assert table["risk_sentences"].iloc[0] == (
        "I want to die. | Everyone would manage fine if I just wasn't here.")
    assert flag_table(texts, semantic=False)["risk_sentences"].iloc[0] == "I want to die."
