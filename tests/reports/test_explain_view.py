from rich.console import Console

from classifier.reports.explain_view import explanation_tables, feature_text, top_features_tables
from classifier.tfidf.pipeline import PipelineConfig
from classifier.training import train


def render(renderables) -> str:
    console = Console(record=True, width=160, color_system=None)
    for item in renderables:
        console.print(item)
    return console.export_text()


def test_feature_text():
    assert feature_text(" may", "char") == '"␣may"'
    assert feature_text("hedge", "cue") == "cue:hedge"
    assert feature_text("said it", "word") == "said it"


def test_explanation_tables_show_every_label(tiny_model):
    text = render(explanation_tables(tiny_model.explain("Police said two men were held."), 5))
    assert "Police said two men were held." in text
    for label in tiny_model.labels:
        assert label in text
    assert "contribution" in text and "intercept" in text and "said" in text


def test_cascade_tables_name_the_stages(tiny_data):
    model = train(tiny_data, PipelineConfig(estimator="cascade"), cv=0)
    text = render(explanation_tables(model.explain("Police said two men were held."), 5))
    assert "stage 1: official_claim or not" in text and "stage 2: among the rest" in text
    text = render(top_features_tables(model.top_features(4)))
    assert "stage 1" in text and "toward" in text


def test_top_features_tables(tiny_model):
    text = render(top_features_tables(tiny_model.top_features(4)))
    for label in tiny_model.labels:
        assert f"toward {label}" in text
