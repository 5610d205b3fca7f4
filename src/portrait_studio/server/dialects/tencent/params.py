"""Tencent request parameters: un-flattening of GET/form params and type checks per action.

GET queries and v1 form bodies carry nested parameters flattened with dots and 0-based indexes
(``MergeInfos.0.InputImageFaceRect.X=10``, ``LogoParam.LogoUrl=...``) and every value arrives
as a string; JSON bodies arrive typed. :func:`unflatten` rebuilds the nested structure and
:func:`coerce` checks it against a :class:`ParamSchema` (converting strings for GET/form), raising
:class:`~.errors.TencentApiError` with ``UnknownParameter``, ``InvalidParameter`` or
``MissingParameter`` and the dotted name of the offending field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import errors as E
from .errors import TencentApiError

Tree = dict[str, Any]

#: Parameters of the v1 signature and the common parameters of GET/form requests.
COMMON_PARAMS = frozenset({
    "Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "SignatureMethod",
    "Signature", "Language", "RequestClient", "Token",
})

_TYPE_NAMES = {int: "Integer", float: "Float", str: "String", bool: "Boolean",
               list: "Array", dict: "Object"}


@dataclass(frozen=True)
class ParamSchema:
    """Field paths of one action mapped to ``int``/``float``/``str``/``bool``/``list``/``dict``.

    A path is dotted (``LogoParam.LogoRect.X``); list items use ``[]``
    (``MergeInfos[]`` is the item type, ``MergeInfos[].Url`` a field of each item).
    ``required`` paths are enforced wherever their parent object is present.
    """

    types: Mapping[str, type]
    required: frozenset[str] = frozenset()


# --- un-flattening --------------------------------------------------------------------------

def _invalid(message: str) -> TencentApiError:
    return TencentApiError(E.INVALID_PARAMETER, message)


def _insert(tree: Tree, key: str, value: str) -> None:
    parts = key.split(".")
    if any(not p for p in parts):
        raise _invalid(f"parameter name {key!r} has an empty segment")
    node = tree
    for i, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise _invalid(f"parameter {'.'.join(parts[:i + 1])!r} is both a value and an object")
        node = child
    if parts[-1] in node:
        raise _invalid(f"parameter {key!r} is given twice or conflicts with another one")
    node[parts[-1]] = value


def _listify(node: Any, name: str) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v, f"{name}.{k}" if name else k) for k, v in node.items()}
    if not converted or not all(k.isdigit() for k in converted):
        return converted
    indexes = sorted(int(k) for k in converted)
    if indexes != list(range(len(indexes))) or any(str(int(k)) != k for k in converted):
        raise _invalid(f"indexes of {name!r} must run 0, 1, 2... without gaps")
    return [converted[str(i)] for i in indexes]


def unflatten(pairs: Iterable[tuple[str, str]]) -> Tree:
    """Nested dicts/lists from flattened ``(name, value)`` pairs; values stay strings."""
    tree: Tree = {}
    for key, value in pairs:
        _insert(tree, key, value)
    result = _listify(tree, "")
    if not isinstance(result, dict):
        raise _invalid("top-level parameter names must not be bare indexes")
    return result


def split_common(params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(common, business)``: v1/common parameters (Action, Version, ...) and the others."""
    common = {k: v for k, v in params.items() if k in COMMON_PARAMS}
    return common, {k: v for k, v in params.items() if k not in COMMON_PARAMS}


# --- coercion -------------------------------------------------------------------------------

def _type_error(shown: str, kind: type, value: Any) -> TencentApiError:
    return _invalid(f"The value type of parameter `{shown}` is not valid: expected "
                    f"{_TYPE_NAMES[kind]}, got {value!r}.")


def _from_string(raw: str, kind: type, shown: str) -> Any:
    text = raw.strip()
    try:
        if kind is int:
            return int(text)
        if kind is float:
            number = float(text)
            if math.isfinite(number):
                return number
        if kind is bool and text.lower() in ("true", "false", "1", "0"):
            return text.lower() in ("true", "1")
    except ValueError:
        pass
    raise _type_error(shown, kind, raw)


def _scalar(value: Any, kind: type, shown: str, from_strings: bool) -> Any:
    if isinstance(value, str) and (kind is str or from_strings):
        return value if kind is str else _from_string(value, kind, shown)
    if kind is bool and isinstance(value, bool):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(shown, kind, value)
    if kind is float and math.isfinite(value):
        return float(value)
    if kind is int and float(value).is_integer():
        return int(value)
    raise _type_error(shown, kind, value)


def _object(value: Any, pattern: str, shown: str, schema: ParamSchema,
            from_strings: bool) -> Tree:
    if not isinstance(value, dict):
        raise _type_error(shown or "<root>", dict, value)
    prefix = f"{pattern}." if pattern else ""
    for path in schema.required:
        rest = path[len(prefix):]
        if path.startswith(prefix) and "." not in rest and "[" not in rest and rest not in value:
            name = f"{shown}.{rest}" if shown else rest
            raise TencentApiError(E.MISSING_PARAMETER,
                                  f"The request is missing a required parameter `{name}`.")
    return {k: _value(v, prefix + k, f"{shown}.{k}" if shown else k, schema, from_strings)
            for k, v in value.items()}


def _value(value: Any, pattern: str, shown: str, schema: ParamSchema,
           from_strings: bool) -> Any:
    kind = schema.types.get(pattern)
    if kind is None:
        raise TencentApiError(E.UNKNOWN_PARAMETER,
                              f"The parameter `{shown}` is not recognized.")
    if kind is dict:
        return _object(value, pattern, shown, schema, from_strings)
    if kind is list:
        if not isinstance(value, list):
            raise _type_error(shown, list, value)
        return [_value(item, f"{pattern}[]", f"{shown}.{i}", schema, from_strings)
                for i, item in enumerate(value)]
    return _scalar(value, kind, shown, from_strings)


def coerce(data: Any, schema: ParamSchema, *, from_strings: bool) -> Tree:
    """Check ``data`` against ``schema`` and return a typed copy.

    ``from_strings=True`` (GET query, form body) converts string values to the declared scalar
    types; ``False`` (JSON) only widens integers to floats and accepts integral floats as ints.
    """
    return _object(data, "", "", schema, from_strings)


def parse_flat(pairs: Iterable[tuple[str, str]], schema: ParamSchema) -> Tree:
    """GET/form parameters (common ones already removed) -> typed nested parameters."""
    return coerce(unflatten(pairs), schema, from_strings=True)


def parse_json(body: bytes, schema: ParamSchema) -> Tree:
    """A JSON request body -> typed parameters; an empty body is ``{}``."""
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _invalid(f"The request body is not valid JSON: {exc}") from None
    return coerce(data, schema, from_strings=False)


# --- schemas --------------------------------------------------------------------------------

def _rect(prefix: str) -> dict[str, type]:
    return {prefix: dict, **{f"{prefix}.{k}": int for k in ("X", "Y", "Width", "Height")}}


def _rect_required(prefix: str) -> set[str]:
    return {f"{prefix}.{k}" for k in ("X", "Y", "Width", "Height")}


_FUSION_RADIOS = ("WarpRadio", "EnhanceRadio", "MpRadio", "BlurRadio", "TeethEnhanceRadio",
                  "MakeupTransferRadio")

#: FuseFaceUltra (facefusion 2022-09-27): every field of seed 001 and SDK 3.1.70's models.
FUSE_FACE_ULTRA = ParamSchema(
    types={
        "RspImgType": str, "MergeInfos": list, "MergeInfos[]": dict,
        "MergeInfos[].Image": str, "MergeInfos[].Url": str,
        **_rect("MergeInfos[].InputImageFaceRect"),
        "MergeInfos[].TemplateFaceID": str,
        **_rect("MergeInfos[].TemplateFaceRect"),
        "ModelUrl": str, "ModelImage": str,
        "FusionUltraParam": dict, **{f"FusionUltraParam.{k}": float for k in _FUSION_RADIOS},
        "LogoAdd": int,
        "LogoParam": dict, "LogoParam.LogoUrl": str, "LogoParam.LogoImage": str,
        **_rect("LogoParam.LogoRect"),
        "SwapModelType": int,
    },
    required=frozenset({"RspImgType", "MergeInfos"}
                       | _rect_required("MergeInfos[].InputImageFaceRect")
                       | _rect_required("MergeInfos[].TemplateFaceRect")
                       | _rect_required("LogoParam.LogoRect")),
)

#: SubmitGlamPicJob (aiart 2022-12-29): seed 000 and SDK 3.1.179's models (Rect, LogoParam).
SUBMIT_GLAM_PIC_JOB = ParamSchema(
    types={
        "TemplateUrl": str, "FaceInfos": list, "FaceInfos[]": dict,
        "FaceInfos[].ImageUrls": list, "FaceInfos[].ImageUrls[]": str,
        **_rect("FaceInfos[].TemplateFaceRect"),
        "Num": int, "Style": list, "Style[]": str, "Similarity": float, "Clarity": str,
        "LogoAdd": int,
        "LogoParam": dict, "LogoParam.LogoUrl": str, "LogoParam.LogoImage": str,
        **_rect("LogoParam.LogoRect"),
    },
    required=frozenset({"TemplateUrl", "FaceInfos", "FaceInfos[].ImageUrls"}
                       | _rect_required("FaceInfos[].TemplateFaceRect")
                       | _rect_required("LogoParam.LogoRect")),
)

#: QueryGlamPicJob (aiart 2022-12-29).
QUERY_GLAM_PIC_JOB = ParamSchema(types={"JobId": str}, required=frozenset({"JobId"}))

def _file_infos(prefix: str) -> dict[str, type]:
    return {prefix: list, f"{prefix}[]": dict,
            **{f"{prefix}[].{k}": str for k in ("Type", "FileId", "Url")}}


#: CreateSceneAigcImageTask (vod 2018-07-17): every field of SDK 3.1.194's models.
CREATE_SCENE_AIGC_IMAGE_TASK = ParamSchema(
    types={
        "SubAppId": int, "SceneInfo": dict, "SceneInfo.Type": str,
        "SceneInfo.ChangeClothesConfig": dict,
        **_file_infos("SceneInfo.ChangeClothesConfig.ClothesFileInfos"),
        "SceneInfo.ChangeClothesConfig.Prompt": str,
        "SceneInfo.AiTryOnConfig": dict, "SceneInfo.AiTryOnConfig.Model": str,
        **_file_infos("SceneInfo.AiTryOnConfig.ClothesFileInfos"),
        "SceneInfo.AiTryOnConfig.Prompt": str,
        "SceneInfo.ProductImageConfig": dict,
        **{f"SceneInfo.ProductImageConfig.{k}": str for k in (
            "Prompt", "NegativePrompt", "ProductDesc", "MoreRequirement")},
        "SceneInfo.ProductImageConfig.OutputImageCount": int,
        **_file_infos("FileInfos"),
        "OutputConfig": dict, "OutputConfig.StorageMode": str, "OutputConfig.MediaName": str,
        "OutputConfig.ClassId": int, "OutputConfig.ExpireTime": str,
        "OutputConfig.AspectRatio": str, "OutputConfig.EncodeConfig": dict,
        "OutputConfig.EncodeConfig.Format": str, "OutputConfig.EncodeConfig.Quality": int,
        "OutputConfig.ImageWidth": int, "OutputConfig.ImageHeight": int,
        "OutputConfig.Resolution": str,
        "SessionId": str, "SessionContext": str, "TasksPriority": int, "ExtInfo": str,
    },
    required=frozenset({"SubAppId", "SceneInfo", "SceneInfo.Type"}),
)

#: DescribeTaskDetail (vod 2018-07-17).
DESCRIBE_TASK_DETAIL = ParamSchema(types={"TaskId": str, "SubAppId": int},
                                   required=frozenset({"TaskId"}))

#: (service, version, action) -> schema; other products add their actions here.
ACTION_SCHEMAS: dict[tuple[str, str, str], ParamSchema] = {
    ("facefusion", "2022-09-27", "FuseFaceUltra"): FUSE_FACE_ULTRA,
    ("aiart", "2022-12-29", "SubmitGlamPicJob"): SUBMIT_GLAM_PIC_JOB,
    ("aiart", "2022-12-29", "QueryGlamPicJob"): QUERY_GLAM_PIC_JOB,
    ("vod", "2018-07-17", "CreateSceneAigcImageTask"): CREATE_SCENE_AIGC_IMAGE_TASK,
    ("vod", "2018-07-17", "DescribeTaskDetail"): DESCRIBE_TASK_DETAIL,
}
