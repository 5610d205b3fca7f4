"""Colour and texture statistics of a repainted image, and two small numpy classifiers
(nearest centroid and softmax logistic regression on standardised features) with folds
split by person, for ``bench_repaint.py``'s "are the styles distinct" check.

Images are HxWx3 uint8 RGB. Features are computed on the image resized (INTER_AREA) so that
its short side is ``FEATURE_SIDE`` px, so texture statistics do not depend on output size.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FEATURE_SIDE = 384
HUE_BINS, SAT_BINS = 12, 8
PERCENTILES = (5, 50, 95)


def _resized(img: np.ndarray, side: int = FEATURE_SIDE) -> np.ndarray:
    scale = side / min(img.shape[:2])
    size = (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def _channel_stats(chans: np.ndarray) -> list[float]:
    """Mean, std and percentiles of each channel of an Nx3 float array."""
    out: list[float] = []
    for c in range(chans.shape[1]):
        v = chans[:, c]
        out += [float(v.mean()), float(v.std()), *map(float, np.percentile(v, PERCENTILES))]
    return out


def _hsv_stats(img: np.ndarray) -> list[float]:
    """Saturation-weighted hue histogram, saturation histogram, S and V mean/std."""
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV_FULL).reshape(-1, 3).astype(np.float64)
    hue, sat, val = hsv[:, 0] / 256.0, hsv[:, 1] / 255.0, hsv[:, 2] / 255.0
    h_hist = np.bincount((hue * HUE_BINS).astype(int) % HUE_BINS, weights=sat,
                         minlength=HUE_BINS) / max(len(hue), 1)
    s_hist = np.bincount(np.minimum((sat * SAT_BINS).astype(int), SAT_BINS - 1),
                         minlength=SAT_BINS) / max(len(sat), 1)
    return [*h_hist, *s_hist, float(sat.mean()), float(sat.std()), float(val.mean()),
            float(val.std())]


def _gradient_stats(light: np.ndarray) -> list[float]:
    """Sobel magnitude of L (0..100) stats, the share of flat pixels, Laplacian energy."""
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    lap = cv2.Laplacian(light, cv2.CV_32F, ksize=3)
    return [float(mag.mean()), float(mag.std()),
            *map(float, np.percentile(mag, (50, 90, 99))), float((mag < 2.0).mean()),
            float(np.log1p(np.abs(lap).mean())), float(np.log1p(lap.var()))]


def _edge_stats(img: np.ndarray) -> list[float]:
    """Canny edge density at a low and a high threshold pair."""
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return [float((cv2.Canny(grey, lo, hi) > 0).mean()) for lo, hi in ((30, 90), (80, 200))]


def _colour_count(img: np.ndarray) -> list[float]:
    """log of the number of distinct colours at 4 bits per channel, and the share of pixels
    in the 16 most frequent of them (posterised styles are high)."""
    q = (img >> 4).reshape(-1, 3).astype(np.int32)
    codes = q[:, 0] * 256 + q[:, 1] * 16 + q[:, 2]
    counts = np.bincount(codes, minlength=4096)
    top = np.sort(counts)[::-1][:16].sum() / max(len(codes), 1)
    return [float(np.log1p((counts > 0).sum())), float(top)]


def _fft_stats(light: np.ndarray) -> list[float]:
    """Share of spectral power (mean removed) above 0.25 and above 0.5 of Nyquist."""
    spec = np.abs(np.fft.fft2(light - light.mean())) ** 2
    fy = np.fft.fftfreq(light.shape[0])[:, None]
    fx = np.fft.fftfreq(light.shape[1])[None, :]
    radius = np.hypot(fy, fx) / 0.5
    total = max(float(spec.sum()), 1e-9)
    return [float(spec[radius > 0.25].sum() / total), float(spec[radius > 0.5].sum() / total)]


def _colourfulness(img: np.ndarray) -> list[float]:
    """Hasler and Suesstrunk's colourfulness."""
    r, g, b = (img[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return [float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))]


def image_features(img: np.ndarray) -> np.ndarray:
    """1-D float64 feature vector (about 60 values) of an HxWx3 uint8 RGB image."""
    small = np.ascontiguousarray(_resized(img))
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    light = np.ascontiguousarray(lab[..., 0])
    parts = [_channel_stats(lab.reshape(-1, 3)), _hsv_stats(small), _gradient_stats(light),
             _edge_stats(small), _colour_count(small), _fft_stats(light),
             _colourfulness(small)]
    return np.asarray([v for part in parts for v in part], np.float64)


FEATURE_COUNT = len(image_features(np.zeros((8, 8, 3), np.uint8)))


# ----------------------------------------------------------------------------- classifiers


@dataclass(frozen=True)
class Scaler:
    """Per-feature standardisation fitted on the training rows."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Scaler:
        std = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(std > 1e-9, std, 1.0))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray((x - self.mean) / self.std)


def nearest_centroid(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                     classes: int) -> np.ndarray:
    """Labels of the nearest class mean (Euclidean, standardised features)."""
    scale = Scaler.fit(x_train)
    xt, xs = scale(x_train), scale(x_test)
    cents = np.stack([xt[y_train == c].mean(axis=0) if (y_train == c).any()
                      else np.full(xt.shape[1], np.inf) for c in range(classes)])
    d = ((xs[:, None, :] - cents[None, :, :]) ** 2).sum(axis=2)
    return np.asarray(d.argmin(axis=1))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def logistic_regression(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                        classes: int, l2: float = 1e-2, steps: int = 800,
                        rate: float = 0.5) -> np.ndarray:
    """Labels from a multinomial logistic regression (full-batch gradient descent, L2 on the
    weights) on standardised features."""
    scale = Scaler.fit(x_train)
    xt = np.hstack([scale(x_train), np.ones((len(x_train), 1))])
    xs = np.hstack([scale(x_test), np.ones((len(x_test), 1))])
    onehot = np.eye(classes)[y_train]
    w = np.zeros((xt.shape[1], classes))
    for _ in range(steps):
        grad = xt.T @ (_softmax(xt @ w) - onehot) / len(xt)
        grad[:-1] += l2 * w[:-1]
        w -= rate * grad
    return np.asarray((xs @ w).argmax(axis=1))


CLASSIFIERS = {"logistic_regression": logistic_regression, "nearest_centroid": nearest_centroid}


def person_folds(people: list[str], folds: int) -> list[list[str]]:
    """Split people (sorted) round-robin into ``folds`` disjoint test groups."""
    ordered = sorted(people)
    folds = max(2, min(folds, len(ordered)))
    return [ordered[k::folds] for k in range(folds)]


def cross_validate(x: np.ndarray, y: np.ndarray, groups: list[str], folds: int,
                   classes: int, name: str) -> tuple[np.ndarray, list[float]]:
    """Predictions for every row, each made by a model trained only on other people's rows
    (grouped k-fold), and the accuracy of each fold."""
    pred = np.full(len(y), -1)
    accs: list[float] = []
    group_arr = np.asarray(groups)
    for test_people in person_folds(sorted(set(groups)), folds):
        test = np.isin(group_arr, test_people)
        pred[test] = CLASSIFIERS[name](x[~test], y[~test], x[test], classes)
        accs.append(float((pred[test] == y[test]).mean()))
    return pred, accs


def confusion(y: np.ndarray, pred: np.ndarray, classes: int) -> np.ndarray:
    """classes x classes counts: rows = true style, columns = predicted style."""
    out = np.zeros((classes, classes), np.int64)
    np.add.at(out, (y, pred), 1)
    return out
