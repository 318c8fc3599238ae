"""The running flow: one host thread per FlowNode, joined by in-order queues.

Every item fed gets a sequence number. A node waits until all of its inputs
for the next item have arrived, runs its process point on them and passes
its outputs on; each node handles items in feed order, so item k+1 is in
node 1 while item k is in node 2, and every node (and the output collector)
completes items in feed order. A graph process point runs on its node's own
stream with the GIL released, so graphs and Python functions overlap.

A failing process point fails that item only: its outputs become a failure
that every node downstream passes on without running, and fetch_data reports
it for that item while later items flow on.
"""
import collections
import threading
import time

from .status import FAILED

__all__ = ["Failure", "NodeWorker", "OutputCollector", "Deadline"]


class Failure:
    """What a failed item carries instead of values: GE's code and a message
    naming the node."""

    def __init__(self, code, message):
        self.code = code
        self.message = message


class Deadline:
    """A timeout in ms as GE gives it (-1: never) for Condition.wait_for."""

    def __init__(self, timeout_ms):
        self.end = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000.0

    def remaining(self):
        return None if self.end is None else max(0.0, self.end - time.monotonic())


class _Joiner:
    """Collects the inputs of each item by slot; yields items whose slots
    are all filled, in feed order."""

    def __init__(self, slots):
        self.slots = slots
        self.pending = {}  # seq -> [info, values, filled]
        self.ready = collections.deque()
        self.cv = threading.Condition()

    def deliver(self, seq, info, slot, value):
        with self.cv:
            entry = self.pending.get(seq)
            if entry is None:
                entry = self.pending[seq] = [info, [None] * self.slots, 0]
            entry[1][slot] = value
            entry[2] += 1
            if entry[2] == self.slots:
                del self.pending[seq]
                self.ready.append((seq, entry[0], entry[1]))
                self.cv.notify_all()


class NodeWorker(_Joiner):
    """A FlowNode's thread: ``run(values) -> outputs`` per item, outputs sent
    to ``consumers[output index]``, a list of (sink, slot)."""

    def __init__(self, label, inputs, run, consumers):
        super().__init__(inputs)
        self.label = label
        self.run = run
        self.consumers = consumers
        self.stopping = False
        self.thread = threading.Thread(target=self._loop, name=f"dataflow:{label}",
                                       daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        with self.cv:
            self.stopping = True
            self.cv.notify_all()

    def _loop(self):
        while True:
            with self.cv:
                self.cv.wait_for(lambda: self.ready or self.stopping)
                if self.stopping:
                    return
                seq, info, values = self.ready.popleft()
            failure = next((v for v in values if isinstance(v, Failure)), None)
            if failure is None:
                try:
                    outputs = self.run(values)
                except Exception as e:  # noqa: BLE001 - the item fails, the flow goes on
                    failure = Failure(getattr(e, "dataflow_code", FAILED),
                                      f"FlowNode {self.label} failed on item {seq}: "
                                      f"{type(e).__name__}: {e}")
            if failure is not None:
                outputs = [failure] * len(self.consumers)
            for index, sinks in enumerate(self.consumers):
                for sink, slot in sinks:
                    sink.deliver(seq, info, slot, outputs[index])


class OutputCollector(_Joiner):
    """The graph's outputs of each item, handed out in feed order."""

    def take(self, deadline):
        """(seq, info, values) of the next finished item, or None when the
        deadline passes first."""
        with self.cv:
            if not self.cv.wait_for(lambda: self.ready, timeout=deadline.remaining()):
                return None
            return self.ready.popleft()
