import json

from portal.renderers import JSONRenderer, JSONText


def test_json_already_written_is_sent_as_it_is():
    text = JSONText('{"名称": "示范区",  "rank": 1}')
    assert JSONRenderer().render(text, "application/json", {}) == text.encode()


def test_json_already_written_is_written_again_when_asked_to_indent():
    text = JSONText('{"a": [1, 2], "名称": "示范区"}')
    rendered = JSONRenderer().render(text, "application/json; indent=2", {})
    assert rendered.decode() == json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    in_context = JSONRenderer().render(text, "application/json", {"indent": 4})
    assert in_context.decode().startswith('{\n    "a": [')


def test_other_data_is_rendered_as_drf_renders_it():
    assert JSONRenderer().render({"名称": "示范区"}, "application/json", {}) == (
        '{"名称":"示范区"}'.encode()
    )
    # A plain string is a JSON string, not a document written out.
    assert JSONRenderer().render('{"a": 1}', "application/json", {}) == b'"{\\"a\\": 1}"'
