"""SqliteJobStore: dedup, queue limits, claim order, per-tenant concurrency, cancel, recovery,
expiry and purge bookkeeping (with an injected clock)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from portrait_studio.errors import ParameterError, QueueFull
from portrait_studio.jobs.model import Job, JobState, new_job_id
from portrait_studio.jobs.store import SqliteJobStore, open_job_store


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def store(tmp_path: Path, clock: Clock) -> SqliteJobStore:
    return SqliteJobStore(tmp_path / "jobs.sqlite3", clock=clock)


def make(tenant: str = "t1", product: str = "fusion", **kw: object) -> Job:
    return Job(id=new_job_id(), tenant=tenant, product=product, **kw)  # type: ignore[arg-type]


def add(store: SqliteJobStore, **kw: object) -> Job:
    job, created = store.create(make(**kw))  # type: ignore[arg-type]
    assert created
    return job


def test_create_round_trips_every_field(store: SqliteJobStore, clock: Clock) -> None:
    job = make(params={"a": [1, 2.5, "x"]}, inputs={"faces": ["k1", "k2"]}, priority=3,
               wire={"RspImgType": "url"}, external_id="7392616336519610409", retention_s=60.0)
    stored, created = store.create(job)
    assert created and stored.state is JobState.QUEUED and stored.created_at == clock.now
    again = store.get(job.id)
    assert again == stored
    assert again is not None and again.inputs == {"faces": ["k1", "k2"]}
    assert store.find_by_external_id("t1", "7392616336519610409") == stored
    assert store.find_by_external_id("other", "7392616336519610409") is None
    assert store.get("nope") is None


def test_dedup_returns_existing_job_per_tenant(store: SqliteJobStore) -> None:
    first = add(store, dedup_key="session-1")
    again, created = store.create(make(dedup_key="session-1"))
    assert not created and again.id == first.id
    other, created_other = store.create(make(tenant="t2", dedup_key="session-1"))
    assert created_other and other.id != first.id
    assert store.counts()[JobState.QUEUED] == 2


def test_dedup_ignores_expired_jobs(store: SqliteJobStore, clock: Clock) -> None:
    first = add(store, dedup_key="s", retention_s=10.0)
    claimed = store.claim_next("w", {})
    assert claimed is not None and claimed.id == first.id
    store.finish(first.id, "w", JobState.SUCCEEDED, results=["r"])
    clock.now += 11
    assert [j.id for j in store.expire_due(clock.now)] == [first.id]
    second, created = store.create(make(dedup_key="s"))
    assert created and second.id != first.id


def test_external_id_must_be_unique(store: SqliteJobStore) -> None:
    add(store, external_id="x1")
    with pytest.raises(ParameterError):
        store.create(make(external_id="x1"))


def test_queue_full_is_per_tenant(store: SqliteJobStore) -> None:
    for _ in range(3):
        store.create(make(), max_queued=3)
    with pytest.raises(QueueFull) as info:
        store.create(make(), max_queued=3)
    assert info.value.code == "limit.queue_full" and "3 queued" in info.value.message
    _, created = store.create(make(tenant="t2"), max_queued=3)
    assert created and store.count_queued("t1") == 3 and store.count_queued("t2") == 1


def test_claim_orders_by_priority_then_age(store: SqliteJobStore, clock: Clock) -> None:
    low = add(store, priority=0)
    high = add(store, priority=5)
    low2 = add(store, priority=0)
    order = []
    while (job := store.claim_next("w", {})) is not None:
        order.append(job.id)
        assert job.state is JobState.RUNNING and job.attempts == 1 and job.worker_id == "w"
        assert job.started_at == clock.now
    assert order == [high.id, low.id, low2.id]


def test_product_concurrency_is_per_tenant(store: SqliteJobStore) -> None:
    a1, a2 = add(store, product="glam"), add(store, product="glam")
    b1 = add(store, tenant="t2", product="glam")
    f1 = add(store, product="fusion")
    limits = {"glam": 1}
    claimed = [store.claim_next("w", limits) for _ in range(4)]
    ids = [j.id for j in claimed if j is not None]
    assert ids == [a1.id, b1.id, f1.id]  # a2 waits: t1 already runs one glam job
    assert claimed[3] is None
    store.finish(a1.id, "w", JobState.SUCCEEDED)
    nxt = store.claim_next("w", limits)
    assert nxt is not None and nxt.id == a2.id


def test_claim_is_exclusive_across_threads(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = SqliteJobStore(path)
    ids = {add(store).id for _ in range(40)}
    got: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        own = SqliteJobStore(path)
        while (job := own.claim_next(name, {})) is not None:
            with lock:
                got.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(ids)


def test_finish_sets_expiry_and_rejects_other_workers(store: SqliteJobStore,
                                                      clock: Clock) -> None:
    job = add(store, retention_s=3600.0)
    store.claim_next("w1", {})
    assert store.finish(job.id, "w2", JobState.SUCCEEDED, results=["k"]) is None
    clock.now += 5
    done = store.finish(job.id, "w1", JobState.SUCCEEDED, results=["k"], report={"faces": 1})
    assert done is not None and done.state is JobState.SUCCEEDED and done.results == ["k"]
    assert done.finished_at == clock.now and done.expires_at == clock.now + 3600
    assert done.report == {"faces": 1} and done.progress == 1.0
    assert store.finish(job.id, "w1", JobState.FAILED) is None


def test_failed_job_keeps_code_and_message(store: SqliteJobStore) -> None:
    job = add(store)
    store.claim_next("w", {})
    done = store.finish(job.id, "w", JobState.FAILED, error_code="face.not_found",
                        error_message="no face in template")
    assert done is not None and done.state is JobState.FAILED
    assert (done.error_code, done.error_message) == ("face.not_found", "no face in template")


def test_cancel_queued_and_running(store: SqliteJobStore) -> None:
    running, queued = add(store), add(store)
    claimed = store.claim_next("w", {})
    assert claimed is not None and claimed.id == running.id
    canceled = store.cancel(queued.id)
    assert canceled is not None and canceled.state is JobState.CANCELED
    assert canceled.expires_at is not None and canceled.finished_at is not None
    requested = store.cancel(running.id)
    assert requested is not None and requested.state is JobState.RUNNING
    assert requested.cancel_requested
    assert store.heartbeat(running.id, "w") is False
    done = store.finish(running.id, "w", JobState.SUCCEEDED, results=["k"])
    assert done is not None and done.state is JobState.CANCELED and done.results == []
    assert store.cancel(running.id) == done  # terminal: unchanged
    assert store.cancel("missing") is None


def test_heartbeat_merges_report(store: SqliteJobStore) -> None:
    job = add(store)
    store.claim_next("w", {})
    assert store.heartbeat(job.id, "w", progress=0.5, report={"stage": "detect"})
    assert store.heartbeat(job.id, "w", report={"faces": 2})
    got = store.get(job.id)
    assert got is not None and got.progress == 0.5
    assert got.report == {"stage": "detect", "faces": 2}
    assert store.heartbeat(job.id, "intruder", progress=0.9) is False


def test_requeue_orphans_counts_attempts(store: SqliteJobStore) -> None:
    job = add(store)
    store.claim_next("dead-1", {})
    first = store.requeue_orphans(max_attempts=2)
    assert [(j.id, j.state, j.attempts) for j in first] == [(job.id, JobState.QUEUED, 1)]
    again = store.claim_next("dead-2", {})
    assert again is not None and again.attempts == 2
    second = store.requeue_orphans(max_attempts=2)
    assert second[0].state is JobState.FAILED and second[0].error_code == "job.worker_lost"
    assert "2 time(s)" in (second[0].error_message or "")
    assert second[0].expires_at is not None


def test_requeue_orphans_filters_by_worker(store: SqliteJobStore) -> None:
    a, b = add(store), add(store)
    store.claim_next("alive", {})
    store.claim_next("dead", {})
    jobs = store.requeue_orphans(2, ["dead"])
    assert [j.id for j in jobs] == [b.id]
    got = store.get(a.id)
    assert got is not None and got.state is JobState.RUNNING
    assert store.requeue_orphans(2, []) == []


def test_expire_and_purge_bookkeeping(store: SqliteJobStore, clock: Clock) -> None:
    job = add(store, retention_s=100.0, inputs={"faces": ["i1"]})
    queued = add(store)
    store.claim_next("w", {"fusion": 1})
    store.finish(job.id, "w", JobState.SUCCEEDED, results=["r1"])
    assert [j.id for j in store.pending_purge("inputs")] == [job.id]
    store.mark_purged(job.id, "inputs")
    assert store.pending_purge("inputs") == []
    assert store.expire_due(clock.now + 99) == []
    expired = store.expire_due(clock.now + 100)
    assert [(j.id, j.state) for j in expired] == [(job.id, JobState.EXPIRED)]
    assert [j.id for j in store.pending_purge("results")] == [job.id]
    store.mark_purged(job.id, "results")
    assert store.pending_purge("results") == []
    still = store.get(queued.id)
    assert still is not None and still.state is JobState.QUEUED


def test_list_and_counts(store: SqliteJobStore) -> None:
    jobs = [add(store, tenant=t) for t in ("a", "b", "a")]
    store.claim_next("w", {})
    assert [j.id for j in store.list()] == [j.id for j in reversed(jobs)]
    assert [j.id for j in store.list(tenant="a")] == [jobs[2].id, jobs[0].id]
    assert [j.id for j in store.list(state=JobState.RUNNING)] == [jobs[0].id]
    assert [j.id for j in store.list(limit=1, offset=1)] == [jobs[1].id]
    counts = store.counts()
    assert counts[JobState.QUEUED] == 2 and counts[JobState.RUNNING] == 1
    assert counts[JobState.EXPIRED] == 0 and len(counts) == len(JobState)
    assert store.counts("b")[JobState.QUEUED] == 1


def test_open_job_store_by_name(tmp_path: Path) -> None:
    store = open_job_store("sqlite", tmp_path)
    assert (tmp_path / "jobs.sqlite3").is_file()
    job, _ = store.create(make())
    mode = SqliteJobStore(tmp_path / "jobs.sqlite3")._db().execute(
        "PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal" and store.get(job.id) is not None
    with pytest.raises(ParameterError):
        open_job_store("postgres", tmp_path)
