"""Bolt's listener runner, answering Slack the moment a listener acks.

Bolt runs a listener in its pool and has the request's thread look for the ack every 10 ms
(``slack_bolt/listener/thread_runner.py``): up to 10 ms added to every answer, and under a burst 50 threads
waking a hundred times a second each to take the interpreter lock from the listeners doing the work. Here the
ack sets an event the request's thread waits on. Everything else stays Bolt's: events (acknowledged before
their listener runs), lazy listeners and process_before_response go through Bolt's own code.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_bolt import Ack, BoltRequest, BoltResponse
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack


class SignallingAck(Ack):
    """Bolt's ack, setting ``done`` once it has been called."""

    def __init__(self) -> None:
        super().__init__()
        self.done = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.done.set()


class PromptListenerRunner(ThreadListenerRunner):
    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        bolts_own = self.process_before_response or request.lazy_only or listener.lazy_functions
        if bolts_own or listener.auto_acknowledgement:
            return super().run(request, response, listener_name, listener, starting_time)
        ack = SignallingAck()
        request.context["ack"] = ack  # before the listener's arguments are built from the context
        failed: list[BoltResponse] = []
        self.listener_executor.submit(self._run_listener, request, response, listener, ack, failed)
        started = time.time() if starting_time is None else starting_time
        ack.done.wait(max(0.0, listener.ack_timeout - (time.time() - started)))
        if failed:
            return failed[0]
        if ack.response is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None  # Bolt goes on as for a request no listener took
        return ack.response

    def _run_listener(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener: Listener,
        ack: SignallingAck,
        failed: list[BoltResponse],
    ) -> None:
        """As Bolt runs a listener in its pool: an error before the ack answers 500 after the error handler."""
        try:
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)
        except Exception as error:
            answer = None if ack.response is not None else BoltResponse(status=500)
            self.listener_error_handler.handle(error=error, request=request, response=answer)
            if answer is not None:
                failed.append(answer)
                ack.done.set()
        finally:
            self.listener_completion_handler.handle(request=request, response=response)


def prompt_runner(bolt: ThreadListenerRunner) -> PromptListenerRunner:
    """The same runner, with the same pool and handlers, answering at the ack."""
    return PromptListenerRunner(
        logger=bolt.logger,
        process_before_response=bolt.process_before_response,
        listener_error_handler=bolt.listener_error_handler,
        listener_start_handler=bolt.listener_start_handler,
        listener_completion_handler=bolt.listener_completion_handler,
        listener_executor=bolt.listener_executor,
        lazy_listener_runner=bolt.lazy_listener_runner,
    )
