import pytest

from classifier.text.casing import normalize_case


@pytest.mark.parametrize(("text", "expected"), [
    ("MINISTRY SAYS INFLATION WILL FALL", "ministry says inflation will fall"),
    ("Democrats Win Both Georgia Runoffs, Taking Control of the Senate",
     "democrats win both georgia runoffs, taking control of the senate"),
    ("The ministry said inflation would fall in March.",
     "The ministry said inflation would fall in March."),
    ("NATO met in Brussels.", "NATO met in Brussels."),  # an acronym is not shouting
    ("", ""),
])
def test_only_capitals_and_title_case_are_lowered(text, expected):
    assert normalize_case(text) == expected


def test_normalizer_leaves_training_text_and_lowers_text_to_predict():
    from classifier.tfidf.features import CaseNormalizer

    texts = ["PRICES MAY RISE", "Prices may rise."]
    step = CaseNormalizer()
    assert step.fit_transform(texts) == texts
    assert step.transform(texts) == ["prices may rise", "Prices may rise."]


def test_shouted_sentence_gets_the_label_of_the_same_sentence_in_prose(tiny_data):
    from classifier.tfidf.pipeline import PipelineConfig
    from classifier.training import train

    model = train(tiny_data, PipelineConfig(lowercase=False, normalize_case=True), cv=0)
    prose = [t.lower() for t in tiny_data.texts[:20]]
    shouted = [t.upper() for t in tiny_data.texts[:20]]
    assert model.predict_labels(shouted) == model.predict_labels(prose)
