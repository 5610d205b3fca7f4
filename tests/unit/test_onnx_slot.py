"""The "bring your own ONNX weights" slot, exercised with tiny graphs built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import GraphProto, TensorProto, ValueInfoProto, helper

from portrait_studio.errors import ImageError, ModelUnavailable, ParameterError
from portrait_studio.models.onnx_runtime import (
    FACE_RESTORE,
    FACE_SWAP,
    SUPER_RESOLUTION,
    OnnxImageOp,
    OnnxModelSlot,
    check_slot,
    style_slot,
)

DYNAMIC: list[int | str] = [1, 3, "height", "width"]


def _save(graph: GraphProto, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


Shape = list[int | str]


def _io(in_shape: Shape, out_shape: Shape) -> tuple[ValueInfoProto, ValueInfoProto]:
    return (helper.make_tensor_value_info("image", TensorProto.FLOAT, in_shape),
            helper.make_tensor_value_info("result", TensorProto.FLOAT, out_shape))


def identity_graph(shape: list[int | str] = DYNAMIC) -> GraphProto:
    x, y = _io(shape, shape)
    return helper.make_graph([helper.make_node("Identity", ["image"], ["result"])],
                             "identity", [x], [y])


def invert_graph(shape: list[int | str] = DYNAMIC) -> GraphProto:
    """result = 1 - image."""
    x, y = _io(shape, shape)
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    node = helper.make_node("Sub", ["one", "image"], ["result"])
    return helper.make_graph([node], "invert", [x], [y], initializer=[one])


def resize2x_graph() -> GraphProto:
    """result = nearest-neighbour 2x upscale of image."""
    x, y = _io(DYNAMIC, [1, 3, "h2", "w2"])
    scales = helper.make_tensor("scales", TensorProto.FLOAT, [4], [1.0, 1.0, 2.0, 2.0])
    node = helper.make_node("Resize", ["image", "", "scales"], ["result"], mode="nearest")
    return helper.make_graph([node], "resize2x", [x], [y], initializer=[scales])


def _image(h: int = 12, w: int = 16, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.fixture()
def models_dir(tmp_path: Path) -> Path:
    _save(identity_graph(), tmp_path / "style_identity.onnx")
    _save(invert_graph(), tmp_path / "face_restore.onnx")
    _save(resize2x_graph(), tmp_path / "super_resolution.onnx")
    return tmp_path


def test_slot_names() -> None:
    assert (FACE_RESTORE, FACE_SWAP, SUPER_RESOLUTION) == (
        "face_restore", "face_swap", "super_resolution")
    assert style_slot("anime") == "style_anime"
    for bad in ("../etc/passwd", "style_", "Style_X", "unknown", "style_a/b"):
        with pytest.raises(ParameterError) as info:
            check_slot(bad)
        assert info.value.field == "model"


def test_available_and_signature(models_dir: Path) -> None:
    slot = OnnxModelSlot(models_dir, intra_op_threads=2)
    assert slot.available("face_restore") and slot.available("super_resolution")
    assert not slot.available("face_swap")
    model = slot.load("face_restore")
    assert model.input_names == ("image",) and model.output_names == ("result",)
    assert model.input_shapes == {"image": (1, 3, "height", "width")}
    assert model.inputs[0].type == "tensor(float)"
    assert model.intra_op_threads == 2
    assert slot.load("face_restore") is model  # cached


def test_run_returns_exact_outputs(models_dir: Path) -> None:
    model = OnnxModelSlot(models_dir).load("face_restore")
    x = np.random.default_rng(1).random((1, 3, 5, 7), dtype=np.float32)
    out = model.run({"image": x})
    assert list(out) == ["result"]
    np.testing.assert_array_equal(out["result"], np.float32(1.0) - x)


def test_run_rejects_wrong_input_names(models_dir: Path) -> None:
    model = OnnxModelSlot(models_dir).load("face_restore")
    with pytest.raises(ParameterError) as info:
        model.run({"input": np.zeros((1, 3, 2, 2), np.float32)})
    assert info.value.field == "inputs" and "image" in info.value.message


def test_identity_image_op_is_exact(models_dir: Path) -> None:
    img = _image()
    out = OnnxImageOp(OnnxModelSlot(models_dir).load("style_identity")).apply(img)
    np.testing.assert_array_equal(out, img)


def test_invert_image_op(models_dir: Path) -> None:
    img = _image(seed=2)
    out = OnnxImageOp(OnnxModelSlot(models_dir).load("face_restore")).apply(img)
    assert out.shape == img.shape and out.dtype == np.uint8
    diff = np.abs(out.astype(int) - (255 - img.astype(int)))
    assert diff.max() <= 1


def test_invert_with_minus_one_to_one_range(models_dir: Path) -> None:
    """value_range=(-1, 1): pixel v goes in as v/127.5 - 1 and comes back as (y + 1) * 127.5."""
    img = np.full((4, 4, 3), 51, np.uint8)  # 51 -> -0.6 ; 1 - (-0.6) = 1.6 -> clipped to 255
    op = OnnxImageOp(OnnxModelSlot(models_dir).load("face_restore"), value_range=(-1.0, 1.0))
    assert np.all(op.apply(img) == 255)
    img[:] = 204  # 204 -> 0.6 ; 1 - 0.6 = 0.4 -> 178.5
    assert set(np.unique(op.apply(img)).tolist()) <= {178, 179}


def test_resize_doubles_shape_nearest(models_dir: Path) -> None:
    img = _image(7, 9, seed=3)
    out = OnnxImageOp(OnnxModelSlot(models_dir).load("super_resolution")).apply(img)
    assert out.shape == (14, 18, 3)
    np.testing.assert_array_equal(out, img.repeat(2, axis=0).repeat(2, axis=1))


def test_fixed_size_model_resizes_in_and_out(tmp_path: Path) -> None:
    _save(invert_graph([1, 3, 8, 8]), tmp_path / "face_restore.onnx")
    op = OnnxImageOp(OnnxModelSlot(tmp_path).load("face_restore"))
    img = np.full((20, 12, 3), (10, 100, 200), np.uint8)
    out = op.apply(img)
    assert out.shape == (20, 12, 3)
    assert np.abs(out.astype(int) - (255 - img.astype(int))).max() <= 1


def test_image_op_rejects_non_rgb(models_dir: Path) -> None:
    op = OnnxImageOp(OnnxModelSlot(models_dir).load("style_identity"))
    with pytest.raises(ImageError):
        op.apply(np.zeros((4, 4), np.uint8))


def test_no_models_dir(tmp_path: Path) -> None:
    slot = OnnxModelSlot(None)
    assert not slot.available("face_restore")
    with pytest.raises(ModelUnavailable) as info:
        slot.load("face_restore")
    assert "face_restore.onnx" in info.value.message
    assert "PORTRAIT_MODELS_DIR" in info.value.message
    assert info.value.code == "model.unavailable"


def test_missing_file_names_expected_path(tmp_path: Path) -> None:
    slot = OnnxModelSlot(tmp_path / "nowhere")
    assert not slot.available("super_resolution")
    with pytest.raises(ModelUnavailable) as info:
        slot.load("super_resolution")
    assert str(tmp_path / "nowhere" / "super_resolution.onnx") in info.value.message


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "style_broken.onnx"
    path.write_bytes(b"this is not an onnx protobuf\x00\x01\x02")
    slot = OnnxModelSlot(tmp_path)
    assert slot.available("style_broken")  # present on disk, checked only on load
    with pytest.raises(ModelUnavailable) as info:
        slot.load("style_broken")
    assert str(path) in info.value.message
    assert "not a valid ONNX model" in info.value.message


def test_replaced_file_is_reloaded(tmp_path: Path) -> None:
    path = _save(identity_graph(), tmp_path / "style_swap.onnx")
    slot = OnnxModelSlot(tmp_path)
    img = _image(seed=4)
    np.testing.assert_array_equal(OnnxImageOp(slot.load("style_swap")).apply(img), img)
    _save(resize2x_graph(), path)
    assert OnnxImageOp(slot.load("style_swap")).apply(img).shape == (24, 32, 3)


def test_non_image_model_rejected_by_adapter(tmp_path: Path) -> None:
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [3, 4])
    y = helper.make_tensor_value_info("result", TensorProto.FLOAT, [3, 4])
    graph = helper.make_graph([helper.make_node("Identity", ["image"], ["result"])], "flat",
                              [x], [y])
    _save(graph, tmp_path / "style_flat.onnx")
    with pytest.raises(ModelUnavailable) as info:
        OnnxImageOp(OnnxModelSlot(tmp_path).load("style_flat"))
    assert "NCHW" in info.value.message


def test_bad_thread_count() -> None:
    with pytest.raises(ParameterError) as info:
        OnnxModelSlot(None, intra_op_threads=0)
    assert info.value.field == "intra_op_threads"
