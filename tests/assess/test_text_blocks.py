"""The assessment's texts written block by block, on one thread or several: the same assessment."""

from __future__ import annotations

import threading
import time

import pandas as pd

import keepwise.assess.engine as engine
from keepwise.assess import assess_frames
from keepwise.config import load_settings
from keepwise.data import threads as threads_module
from keepwise.metrics import customer_feature_frame

from .conftest import AS_OF


def test_blocks_on_several_threads_give_the_assessment_of_one_block(sample_dataset, monkeypatch):
    ds, _ = sample_dataset
    features = customer_feature_frame(ds, AS_OF)
    one = load_settings(overrides={"engine": {"text_threads": 1}})
    whole = assess_frames(features, AS_OF, one, lang="ru")
    assert len(whole) > 1000 and whole["reasons"].str.len().gt(0).all()

    threads = set()
    build_evidence = engine.build_evidence

    def recorded(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return build_evidence(*args, **kwargs)

    monkeypatch.setattr(engine, "build_evidence", recorded)
    monkeypatch.setattr(engine, "TEXT_BLOCK_ROWS", 333)
    three = load_settings(overrides={"engine": {"text_threads": 3}})
    pd.testing.assert_frame_equal(assess_frames(features, AS_OF, three, lang="ru"), whole)
    assert len(threads) > 1 and all(name.startswith("keepwise-texts") for name in threads)


def test_text_threads_0_writes_on_as_many_threads_as_there_are_cores(sample_dataset, monkeypatch):
    # [engine] text_threads = 0 (the default): one thread per core the process may use, here 3 made up
    ds, _ = sample_dataset
    features = customer_feature_frame(ds, AS_OF)
    whole = assess_frames(features, AS_OF, load_settings(overrides={"engine": {"text_threads": 1}}), lang="fa")

    threads = set()
    build_evidence = engine.build_evidence

    def recorded(*args, **kwargs):
        threads.add(threading.current_thread().name)
        time.sleep(0.05)  # each block takes long enough for every thread to take one
        return build_evidence(*args, **kwargs)

    monkeypatch.setattr(engine, "build_evidence", recorded)
    monkeypatch.setattr(engine, "TEXT_BLOCK_ROWS", 100)
    monkeypatch.setattr(threads_module, "available_cores", lambda root=None: 3)
    settings = load_settings(overrides={"engine": {"text_threads": 0}})
    assert settings.engine.text_threads == 0
    pd.testing.assert_frame_equal(assess_frames(features, AS_OF, settings, lang="fa"), whole)
    assert len(threads) == 3 and all(name.startswith("keepwise-texts") for name in threads)
