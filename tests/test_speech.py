"""Speech without a window: numbers and text as a person says them, and the real
espeak-ng voice rendered to WAV files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.speech_outputs import Collecting, PacedSilence, WavFolder, WavSink, seconds_of

from kiosk.config.settings import ConfigError, parse_config
from kiosk.speech.numbers import decimal_words, digit_words, number_words
from kiosk.speech.output import AudioStatus, audio_status
from kiosk.speech.reading import speakable
from kiosk.speech.speaker import Speaker
from kiosk.speech.voice import Voice
from kiosk.system.doctor import check_speech


@pytest.mark.parametrize(("number", "words"), [
    (0, "không"), (10, "mười"), (14, "mười bốn"), (15, "mười lăm"), (21, "hai mươi mốt"),
    (24, "hai mươi tư"), (25, "hai mươi lăm"), (105, "một trăm linh năm"),
    (110, "một trăm mười"), (1005, "một nghìn không trăm linh năm"),
    (1050, "một nghìn không trăm năm mươi"), (2026, "hai nghìn không trăm hai mươi sáu"),
    (8000, "tám nghìn"), (200_000, "hai trăm nghìn"),
    (1_500_000, "một triệu năm trăm nghìn"),
    (100_005, "một trăm nghìn không trăm linh năm"), (1_000_000_000, "một tỷ"),
    (2_000_000_000_000, "hai nghìn tỷ")])
def test_numbers_are_said_as_people_say_them(number: int, words: str) -> None:
    assert number_words(number) == words


def test_the_south_says_ngan_and_le() -> None:
    assert number_words(1005, "southern") == "một ngàn không trăm lẻ năm"
    assert decimal_words(2, "5") == "hai phẩy năm"
    assert decimal_words(1, "05") == "một phẩy không năm"
    assert digit_words("0210") == "không hai một không"


@pytest.mark.parametrize(("shown", "said"), [
    ("Lệ phí: 8.000 ₫", "Lệ phí: tám nghìn đồng"),
    ("Lệ phí: 8.000\u00a0₫", "Lệ phí: tám nghìn đồng"),
    ("Nghị định 123/2015/NĐ-CP",
     "Nghị định một trăm hai mươi ba năm hai nghìn không trăm mười lăm của Chính phủ"),
    ("Luật số 60/2014/QH13",
     "Luật số sáu mươi năm hai nghìn không trăm mười bốn của Quốc hội khóa mười ba"),
    ("Hẹn trả 05/04/2026", "Hẹn trả ngày năm tháng tư năm hai nghìn không trăm hai mươi sáu"),
    ("7:30–11:30", "bảy giờ ba mươi phút đến mười một giờ ba mươi phút"),
    ("Mang CCCD đến UBND xã", "Mang căn cước công dân đến Ủy ban nhân dân xã"),
    ("Danh mục TTHC", "Danh mục thủ tục hành chính"),
    ("Mã 000.00.20.H29-261125-0001",
     "Mã không không không, không không, hai không, H hai chín, hai sáu một một hai năm, "
     "không không không một"),
    ("Thủ tục 1.001193", "Thủ tục một, không không một một chín ba"),
    ("Số điện thoại 0912345678", "Số điện thoại không chín một hai ba bốn năm sáu bảy tám"),
    ("2,5 ngày", "hai phẩy năm ngày"),
    ("Mẫu CT01", "Mẫu C T không một"),
    ("TỜ KHAI KHAI SINH", "tờ khai khai sinh"),  # a word in capitals is a word
    ("Cấp xã / phường", "Cấp xã hoặc phường"),
    ("‹ Quay lại", "Quay lại"),
])
def test_vietnamese_text_is_rewritten_for_the_voice(shown: str, said: str) -> None:
    assert speakable(shown, "vi") == said


def test_english_text_is_rewritten_for_the_voice() -> None:
    assert speakable("Fee: ₫8,000", "en") == "Fee: 8,000 dong"
    assert speakable("Due 05/04/2026", "en") == "Due 5 April 2026"
    assert speakable("Bring your CCCD", "en") == "Bring your citizen ID card"
    assert speakable("Open 7:30–11:30", "en") == "Open 7:30 to 11:30"


def speaker_into(folder: Path, rate: int = 150) -> tuple[Speaker, WavFolder]:
    wavs = WavFolder(folder)
    return Speaker(Voice("northern", rate), wavs), wavs


def test_speech_is_rendered_by_espeak_ng_to_a_wav_file(tmp_path: Path) -> None:
    speaker, wavs = speaker_into(tmp_path)
    assert speaker.say(["Đăng ký khai sinh", "Lệ phí 8.000 ₫."], "vi") == 2
    assert speaker.wait()
    assert len(wavs.files) == 1 and speaker.pieces_spoken == 2
    short = seconds_of(wavs.files[0])
    assert 1.5 < short < 8  # a title and a fee: a few seconds, not silence nor a minute
    speaker.say(["Đăng ký khai sinh", "Lệ phí 8.000 ₫.", "Hẹn trả ngày 05/04/2026.",
                 "Mang CCCD đến UBND xã."], "vi")
    assert speaker.wait()
    assert seconds_of(wavs.files[1]) > short * 1.8  # more words, longer speech
    assert speaker.first_audio_at is not None and speaker.first_audio_at >= speaker.requested_at


def test_a_blank_screen_says_nothing_and_makes_no_file(tmp_path: Path) -> None:
    speaker, wavs = speaker_into(tmp_path)
    assert speaker.say([], "vi") == 0
    assert speaker.say(["", "   ", "‹ ›", "•"], "vi") == 0
    assert speaker.wait() and wavs.files == [] and not list(tmp_path.iterdir())
    assert speaker.first_audio_at is None


def test_a_faster_voice_takes_less_time(tmp_path: Path) -> None:
    text = ["Giấy tờ cần mang theo: tờ khai đăng ký khai sinh theo mẫu, giấy chứng sinh."]
    slow, slow_wavs = speaker_into(tmp_path / "slow", rate=100)
    fast, fast_wavs = speaker_into(tmp_path / "fast", rate=200)
    slow.say(text, "vi")
    fast.say(text, "vi")
    assert slow.wait() and fast.wait()
    assert seconds_of(slow_wavs.files[0]) > 1.5 * seconds_of(fast_wavs.files[0])
    assert Voice(rate=150).at_rate(10).rate == 80 and Voice().at_rate(999).rate == 260


def test_each_dialect_has_its_voice(tmp_path: Path) -> None:
    lengths = []
    for dialect in ("northern", "central", "southern"):
        wavs = WavFolder(tmp_path / dialect)
        speaker = Speaker(Voice(dialect), wavs)
        speaker.say(["Xin chào, mời bà con vào làm thủ tục."], "vi")
        assert speaker.wait()
        lengths.append(seconds_of(wavs.files[0]))
    assert all(length > 1 for length in lengths)
    assert len({Voice(d).name("vi") for d in ("northern", "central", "southern")}) == 3
    english = WavFolder(tmp_path / "en")
    speaker = Speaker(Voice(), english)
    speaker.say(["Birth registration. The fee is 8,000 dong."], "en")
    assert speaker.wait() and seconds_of(english.files[0]) > 1


def test_stop_silences_at_once_and_never_blocks_the_caller() -> None:
    made = Collecting(PacedSilence)
    sinks: list[PacedSilence] = made.sinks  # type: ignore[assignment]
    speaker = Speaker(Voice(), made)
    started = time.monotonic()
    speaker.say(["Một đoạn văn dài được đọc chậm rãi cho người nghe. " * 20], "vi")
    assert time.monotonic() - started < 0.2  # say() returns at once: the worker speaks
    deadline = time.monotonic() + 10
    while not (sinks and sinks[0].written) and time.monotonic() < deadline:
        time.sleep(0.01)
    speaker.stop()
    assert speaker.wait(5)
    assert sinks[0].aborted.is_set() and sinks[0].closed
    assert sinks[0].written < 22050 * 2 * 20  # far less than the whole text
    # a new request after a stop is said from its start
    speaker.say(["Xin chào"], "vi")
    assert speaker.wait(10) and len(sinks) == 2


def test_a_new_screen_replaces_what_was_being_said(tmp_path: Path) -> None:
    speaker, wavs = speaker_into(tmp_path)
    speaker.say(["Màn hình thứ nhất. " * 200], "vi")
    speaker.say(["Màn hình thứ hai."], "vi")
    assert speaker.wait()
    assert seconds_of(wavs.files[-1]) < 5  # the last file is the second screen only


def test_without_a_sound_card_speech_is_off_and_says_why(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    monkeypatch.setattr("kiosk.speech.output.glob.glob", lambda _pattern: [])
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")
    status = audio_status()
    assert status == AudioStatus(False, "no sound card: /dev/snd has no playback device")
    assert audio_status("plughw:1,0").ok  # a configured device is trusted
    monkeypatch.setattr("kiosk.speech.output.espeak_path", lambda: None)
    assert "apt install espeak-ng" in audio_status().detail


def test_the_speech_config_is_checked_and_the_doctor_reports_it() -> None:
    config = parse_config('[speech]\ndialect = "southern"\nrate = 120\n')
    assert (config.speech.dialect, config.speech.rate) == ("southern", 120)
    with pytest.raises(ConfigError) as err:
        parse_config('[speech]\ndialect = "western"\nrate = 500\nlong_press_seconds = 0.1\n')
    assert len(err.value.problems) == 3
    check = check_speech(config)
    assert check.name == "speech" and check.status in ("pass", "warn")
    with pytest.MonkeyPatch.context() as patch:  # as on a kiosk with a sound card
        patch.setattr("kiosk.speech.output.audio_status",
                      lambda _device: AudioStatus(True, "1 sound output(s)"))
        heard = check_speech(config)
    assert heard.status == "pass" and "vi-vn-x-south" in heard.detail
    off = check_speech(parse_config("[speech]\nenabled = false\n"))
    assert off.status == "pass" and "turned off" in off.detail


def test_a_wav_file_is_closed_by_its_writer_only(tmp_path: Path) -> None:
    """`abort` comes from the UI thread while the speaker's worker may be writing: it
    marks the file, and the worker's `close` finishes it (closing it from the UI thread
    raced with a write in progress)."""
    sink = WavSink(tmp_path / "said.wav")
    sink.write(b"\0\0" * 2205)
    sink.abort()
    sink.write(b"\0\0" * 2205)  # what the worker had in hand when stopped: dropped
    sink.close()
    assert seconds_of(tmp_path / "said.wav") == pytest.approx(0.1)
