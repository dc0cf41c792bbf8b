"""Finding receipt codes in camera frames and files: one pipeline for both.

zxing-cpp reads the frame first, for QR codes and the 1D symbologies a dossier code can be
printed in (Code 128, as deployed receipts do, Code 39 and Code 93): it is fast (a few ms
per 1280×720 frame) and reads most receipts, a barcode upright or turned by quarter turns.
When it finds nothing, fallbacks run while the frame's time budget allows: zxing with a
fixed-threshold binarizer (low contrast, blur), a half-size copy (big, near or noisy
codes), a barcode at any angle (OpenCV finds its box, zxing reads it turned upright), an
adaptive threshold (shadows, glare gradients), zbar through pyzbar in binary mode (QR), an
unsharp-masked copy (soft focus) and a double-size copy (small codes). The cheap zxing
variants run before zbar because zbar costs 10-40 ms a frame.

Payloads are the QR's raw bytes: UTF-8 is decoded here, not by the decoders, because
zbar guesses a character set and turns some Vietnamese UTF-8 text into Shift-JIS
mojibake unless it is put in binary mode.

Nothing here blocks on I/O except `decode_file`; the camera worker calls `decode_frame`.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp

QR = zxingcpp.BarcodeFormat.QRCode
# 1D symbologies that can hold a dossier code (letters, digits, "." and "-")
LINEAR = (zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.Code39,
          zxingcpp.BarcodeFormat.Code93)
RECEIPT_FORMATS = (QR, *LINEAR)
MAX_VIDEO_FRAMES = 300

Reader = Callable[[np.ndarray], list[bytes]]


@dataclass(frozen=True)
class Decoded:
    """What one frame held: each QR's raw bytes, and which step found them."""

    payloads: list[bytes]
    texts: list[str]  # each payload as UTF-8 text, or "" when it is not UTF-8
    decoder: str  # the step that found the payloads; "" when nothing was found
    ms: float
    tried: tuple[str, ...] = ()  # the steps that ran, in order

    @property
    def found(self) -> bool:
        return bool(self.payloads)


@dataclass(frozen=True, kw_only=True)
class FileDecoded(Decoded):
    """A `Decoded` for one still image, or for one frame of a video or image sequence."""

    file: str
    frame: int | None = None  # the frame's index in a video; None for a still image


class UnreadableFile(Exception):
    """A file that is not an image or a video OpenCV can read; `reason` says why."""

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


# --- single decoders -------------------------------------------------------------------

def _zxing(gray: np.ndarray, binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage
           ) -> list[bytes]:
    # a tuple, as zxing-cpp now asks ("|" is deprecated); its type hints lag behind
    return [b.bytes for b in zxingcpp.read_barcodes(
        gray, formats=RECEIPT_FORMATS,  # type: ignore[arg-type]  # stubs: BarcodeFormats only
        binarizer=binarizer)]


@cache
def _zbar() -> tuple[Any, int]:
    """pyzbar's ctypes wrapper and zbar's number for "qrcode.binary"; RuntimeError when
    libzbar is missing or too old for binary mode (added in zbar 0.23)."""
    try:
        from pyzbar import wrapper
    except ImportError as err:  # pyzbar loads libzbar when imported
        raise RuntimeError(f"zbar is not available ({err}); install libzbar0") from None
    symbol, config, value = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    if wrapper.zbar_parse_config(b"qrcode.binary", ctypes.byref(symbol), ctypes.byref(config),
                                 ctypes.byref(value)):
        raise RuntimeError("this libzbar has no binary mode (zbar 0.23 or newer is needed)")
    return wrapper, config.value


def zbar_available() -> bool:
    try:
        _zbar()
    except RuntimeError:
        return False
    return True


_Y800 = 0x30303859  # zbar's fourcc for 8-bit grayscale


def _pyzbar(gray: np.ndarray) -> list[bytes]:
    """zbar on QR codes only, in binary mode so that it hands back the bytes unchanged.

    pyzbar.decode() cannot set binary mode, so this drives its ctypes wrapper directly.
    """
    zb, binary = _zbar()
    gray = np.ascontiguousarray(gray)
    height, width = gray.shape
    scanner = zb.zbar_image_scanner_create()
    image = zb.zbar_image_create()
    try:
        qr, enable = zb.ZBarSymbol.QRCODE, zb.ZBarConfig.CFG_ENABLE
        zb.zbar_image_scanner_set_config(scanner, 0, enable, 0)  # 0: every symbology
        zb.zbar_image_scanner_set_config(scanner, qr, enable, 1)
        if zb.zbar_image_scanner_set_config(scanner, qr, binary, 1):
            raise RuntimeError("zbar refused binary mode for QR codes")
        zb.zbar_image_set_format(image, _Y800)
        zb.zbar_image_set_size(image, width, height)
        # no cleanup handler: `gray` outlives the zbar image, which is destroyed below
        zb.zbar_image_set_data(image, gray.ctypes.data_as(ctypes.c_void_p), gray.size, None)
        if zb.zbar_scan_image(scanner, image) < 0:
            raise RuntimeError("zbar could not scan the image")
        payloads = []
        symbol = zb.zbar_image_first_symbol(image)
        while symbol:
            payloads.append(ctypes.string_at(zb.zbar_symbol_get_data(symbol),
                                             zb.zbar_symbol_get_data_length(symbol)))
            symbol = zb.zbar_symbol_next(symbol)
        return payloads
    finally:
        zb.zbar_image_destroy(image)
        zb.zbar_image_scanner_destroy(scanner)


# --- fallback steps: each prepares a copy of the frame, then reads it -----------------

def _fixed(gray: np.ndarray) -> list[bytes]:
    return _zxing(gray, zxingcpp.Binarizer.FixedThreshold)


def _half(gray: np.ndarray) -> list[bytes]:
    # INTER_AREA averages the noise away; zxing's own downscaling samples it
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return _zxing(small)


def _adaptive(gray: np.ndarray) -> list[bytes]:
    # blocks of 1/24 of the short side (31 px at 720p): wider than a module of any code
    # a camera can read, narrow enough to follow a shadow's edge or a glare gradient
    block = max(15, min(gray.shape) // 24) | 1
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                   cv2.THRESH_BINARY, block, 5)
    return _zxing(binary, zxingcpp.Binarizer.BoolCast)


def _sharpen(gray: np.ndarray) -> list[bytes]:
    sharp = cv2.addWeighted(gray, 2.0, cv2.GaussianBlur(gray, (0, 0), 3), -1.0, 0)
    return _zxing(sharp)


_detectors = threading.local()
_UPRIGHT_SCALE = 2.0


def _barcode_boxes(gray: np.ndarray) -> list[np.ndarray]:
    """The corners of each 1D barcode OpenCV finds, at any angle (one detector a thread:
    the camera worker's threads decode side by side)."""
    detector = getattr(_detectors, "barcode", None)
    if detector is None:
        detector = _detectors.barcode = cv2.barcode.BarcodeDetector()
    found, corners = detector.detect(gray)
    return list(corners) if found and corners is not None else []


def upright(gray: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The barcode inside `corners` cut out and turned so its bars stand upright, with a
    white margin for the quiet zone zxing needs (a row must cross every bar). Drawn at
    twice the size in the one resampling: a bar one or two pixels wide survives turning."""
    (cx, cy), (width, height), angle = cv2.minAreaRect(corners.astype(np.float32))
    if width < height:
        width, height, angle = height, width, angle + 90
    width = (width * 1.2 + 24) * _UPRIGHT_SCALE
    height = (max(height * 1.3, width / _UPRIGHT_SCALE * 0.12) + 24) * _UPRIGHT_SCALE
    turn = cv2.getRotationMatrix2D((cx, cy), angle, _UPRIGHT_SCALE)
    turn[0, 2] += width / 2 - cx
    turn[1, 2] += height / 2 - cy
    return cv2.warpAffine(gray, turn, (max(1, int(width)), max(1, int(height))),
                          flags=cv2.INTER_LINEAR, borderValue=255)


def _skewed_barcode(gray: np.ndarray) -> list[bytes]:
    payloads = []
    for corners in _barcode_boxes(gray)[:4]:
        payloads += [b.bytes for b in zxingcpp.read_barcodes(
            upright(gray, corners),
            formats=LINEAR)]  # type: ignore[arg-type]  # a tuple: as in _zxing
    return payloads


def _double(gray: np.ndarray) -> list[bytes]:
    big = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
    return _zxing(big)


@dataclass(frozen=True)
class Step:
    name: str
    read: Reader
    ms_per_megapixel: float  # a pessimistic first guess; measured times replace it


# First guesses measured on a 2-core x86 box; pessimistic, so a new kiosk does not blow
# its first frames' budget before it has timed its own steps.
FIRST_STEP = Step("zxing", _zxing, 8.0)
FALLBACKS: tuple[Step, ...] = (
    Step("zxing-fixed", _fixed, 4.0),
    Step("zxing-half", _half, 3.0),
    Step("barcode-any-angle", _skewed_barcode, 25.0),
    Step("zxing-adaptive", _adaptive, 10.0),
    Step("pyzbar", _pyzbar, 40.0),
    Step("zxing-sharpen", _sharpen, 10.0),
    Step("zxing-double", _double, 25.0),
)


@dataclass
class Pipeline:
    """The decode steps, with how long each has been taking here (per megapixel), so a
    fallback is only started when it is expected to finish within the frame's budget."""

    first: Step = FIRST_STEP
    fallbacks: Sequence[Step] = FALLBACKS
    # seconds, for timing the steps; tests pass a clock their steps move, so what a step
    # costs is what they say, not what a busy machine makes of it
    clock: Callable[[], float] = time.perf_counter
    _estimates: dict[str, float] = field(default_factory=dict, repr=False)
    _fastest: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not zbar_available():  # the kiosk still reads receipts with zxing alone
            self.fallbacks = tuple(s for s in self.fallbacks if s.read is not _pyzbar)

    def decode(self, image: np.ndarray, budget_ms: float | None = None) -> Decoded:
        """Every QR payload in a BGR, BGRA or grayscale frame.

        The first step always runs; each fallback only if the time spent so far plus what
        it usually takes fits in `budget_ms` (None: no limit, every step may run).
        """
        start = self.clock()
        gray = to_gray(image)
        megapixels = gray.size / 1e6
        tried: list[str] = []
        for index, step in enumerate((self.first, *self.fallbacks)):
            spent = (self.clock() - start) * 1000
            if index and budget_ms is not None and \
                    spent + self._expected_ms(step, megapixels) > budget_ms:
                self._forget(step)
                continue  # a cheaper step further down may still fit
            tried.append(step.name)
            began = self.clock()
            payloads = _unique(step.read(gray))
            self._learn(step, (self.clock() - began) * 1000 / max(megapixels, 0.01))
            if payloads:
                return _result(payloads, step.name, start, tried, self.clock())
        return _result([], "", start, tried, self.clock())

    def _expected_ms(self, step: Step, megapixels: float) -> float:
        return self._estimates.get(step.name, step.ms_per_megapixel) * megapixels

    def _forget(self, step: Step) -> None:
        # a skipped step is never timed again; without this, one slow run (a busy moment)
        # would keep it skipped for good. Never below its fastest run: that was real.
        with self._lock:
            old = self._estimates.get(step.name, step.ms_per_megapixel)
            fastest = self._fastest.get(step.name, step.ms_per_megapixel)
            self._estimates[step.name] = max(fastest, 0.95 * old)

    def _learn(self, step: Step, ms_per_megapixel: float) -> None:
        # jump up at once to a slow run, come down slowly: the budget is a promise to the
        # camera worker, and a loaded CPU makes every step slower for a while
        with self._lock:
            old = self._estimates.get(step.name, step.ms_per_megapixel)
            self._estimates[step.name] = max(ms_per_megapixel, 0.8 * old + 0.2 * ms_per_megapixel)
            self._fastest[step.name] = min(ms_per_megapixel,
                                           self._fastest.get(step.name, ms_per_megapixel))


_PIPELINE = Pipeline()


def decode_frame(image: np.ndarray, budget_ms: float | None = None) -> Decoded:
    """Every QR payload in a frame, through zxing then the fallbacks that fit the budget."""
    return _PIPELINE.decode(image, budget_ms)


def zxing_only(image: np.ndarray) -> Decoded:
    """zxing-cpp alone (QR and the 1D receipt formats), for comparison in the benchmark."""
    return _single(FIRST_STEP, image)


def pyzbar_only(image: np.ndarray) -> Decoded:
    """zbar alone in binary mode (QR only), for comparison in the benchmark."""
    return _single(Step("pyzbar", _pyzbar, 40.0), image)


def _single(step: Step, image: np.ndarray) -> Decoded:
    start = time.perf_counter()
    payloads = _unique(step.read(to_gray(image)))
    return _result(payloads, step.name if payloads else "", start, [step.name],
                   time.perf_counter())


def _unique(payloads: list[bytes]) -> list[bytes]:
    return list(dict.fromkeys(payloads))  # one QR can be found twice (e.g. as inverted)


def _result(payloads: list[bytes], decoder: str, start: float, tried: list[str],
            end: float) -> Decoded:
    return Decoded(payloads=payloads, texts=[_text(p) for p in payloads], decoder=decoder,
                   ms=(end - start) * 1000, tried=tuple(tried))


def _text(payload: bytes) -> str:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def to_gray(image: np.ndarray) -> np.ndarray:
    """An 8-bit single-channel copy (or view) of a BGR, BGRA or grayscale frame."""
    if not isinstance(image, np.ndarray) or image.size == 0:
        raise ValueError("not an image: expected a non-empty numpy array")
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise ValueError(f"unsupported image type {image.dtype} (8- or 16-bit expected)")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        return np.ascontiguousarray(image)
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"unsupported image shape {image.shape} (gray, BGR or BGRA expected)")


# --- files ------------------------------------------------------------------------------

def decode_file(path: str | Path, budget_ms: float | None = None,
                max_frames: int = MAX_VIDEO_FRAMES) -> list[FileDecoded]:
    """Decode a still image, or a video / image sequence (e.g. `frame_%03d.png`) frame by
    frame up to the first frame with a QR code, reading at most `max_frames` frames.

    Returns one result per frame decoded (one for a still image); the last one holds the
    payloads when any were found. Raises UnreadableFile with the reason otherwise.
    """
    name = str(path)
    if _is_sequence_pattern(name):
        return _decode_video(name, budget_ms, max_frames)
    _check_readable(Path(name))
    if cv2.haveImageReader(name):
        image = cv2.imread(name, cv2.IMREAD_UNCHANGED)
        if image is None:
            raise UnreadableFile(name, "the image is damaged or in an unsupported variant")
        decoded = decode_frame(_flatten(image), budget_ms)
        return [FileDecoded(**vars(decoded), file=name)]
    return _decode_video(name, budget_ms, max_frames)


def _decode_video(name: str, budget_ms: float | None, max_frames: int) -> list[FileDecoded]:
    capture = cv2.VideoCapture(name)
    try:
        if not capture.isOpened():
            raise UnreadableFile(name, "not an image or a video that can be read")
        results: list[FileDecoded] = []
        while len(results) < max_frames:
            ok, frame = capture.read()
            if not ok or frame is None:
                break
            decoded = decode_frame(frame, budget_ms)
            results.append(FileDecoded(**vars(decoded), file=name, frame=len(results)))
            if decoded.found:
                break
        if not results:
            raise UnreadableFile(name, "no frame of the video could be read")
        return results
    finally:
        capture.release()


def _check_readable(path: Path) -> None:
    """Name the usual problems plainly, before OpenCV reduces them to "cannot open"."""
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        raise UnreadableFile(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableFile(path, "is a folder, not a file") from None
    except OSError as err:
        raise UnreadableFile(path, f"cannot be read ({err.strerror or err})") from None


def _is_sequence_pattern(name: str) -> bool:
    """An image-sequence pattern such as frame_%03d.png, as OpenCV's VideoCapture takes."""
    if "%" not in name or Path(name).exists():
        return False
    try:
        first = [name % i for i in range(5)]  # ffmpeg starts the sequence at 0-4
    except (TypeError, ValueError):
        return False
    if not any(Path(f).is_file() for f in first):
        raise UnreadableFile(name, "no image of the sequence exists")
    return True


def _flatten(image: np.ndarray) -> np.ndarray:
    """A transparent PNG's code is drawn on nothing: put it on white paper."""
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[:, :, 3:4].astype(np.float32) / np.float32(np.iinfo(image.dtype).max)
        white = np.float32(np.iinfo(image.dtype).max)
        flat = image[:, :, :3].astype(np.float32) * alpha + white * (1 - alpha)
        return flat.astype(image.dtype)
    return image
