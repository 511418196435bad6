"""Screens and touch, wired around the conversation rather than into it.

* :class:`TouchInterceptor` (a request interceptor) turns a touch on one of our buttons, an
  ``Alexa.Presentation.APL.UserEvent`` with arguments such as ``["next"]``, into the intent the
  same words would reach by voice, so one handler serves both.
* :class:`ScreenInterceptor` (a response interceptor) adds what a screen shows: on a device that
  reports ``Alexa.Presentation.APL``, a RenderDocument built from what the turn said; on a device
  with a screen but no APL, a card wherever there is something to read. A device without a
  screen gets the response exactly as the handler built it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest, Response
from ask_sdk_model.dialog_state import DialogState
from ask_sdk_model.ui import SimpleCard

from skill.handlers.base import TURN_ATTRIBUTE, Turn
from skill.safelog import logger

USER_EVENT = "Alexa.Presentation.APL.UserEvent"

# The buttons' meaning, kept here (not in skill/screens.py, which is imported only when a turn
# has a screen to build) so that a cold start without screens pays for none of it.
BUTTON_INTENTS = {
    "next": "AMAZON.NextIntent",
    "back": "AMAZON.PreviousIntent",
    "repeat": "AMAZON.RepeatIntent",
    "pause": "AMAZON.PauseIntent",
    "resume": "AMAZON.ResumeIntent",
    "yes": "AMAZON.YesIntent",
}

log = logger(__name__)  # logging is imported when something is logged


def button_intent(arguments: Sequence[Any] | None) -> str | None:
    """The intent a touch on one of our buttons stands for; None for any other user event."""
    if not arguments or not isinstance(arguments[0], str):
        return None
    return BUTTON_INTENTS.get(arguments[0])


class TouchInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        request: Any = handler_input.request_envelope.request
        if getattr(request, "object_type", None) != USER_EVENT:
            return
        if handler_input.request_envelope.session is None:
            return  # a touch outside any conversation moves nothing (skill/handlers/system.py)
        intent = button_intent(getattr(request, "arguments", None))
        if intent is None:
            return
        handler_input.request_envelope.request = IntentRequest(
            request_id=request.request_id,
            timestamp=request.timestamp,
            locale=request.locale,
            dialog_state=DialogState.COMPLETED,
            intent=Intent(name=intent, slots={}, confirmation_status=IntentConfirmationStatus.NONE),
        )


def _interfaces(handler_input: HandlerInput) -> Any:
    context = handler_input.request_envelope.context
    device = getattr(getattr(context, "system", None), "device", None)
    return getattr(device, "supported_interfaces", None)


def supports_apl(handler_input: HandlerInput) -> bool:
    return getattr(_interfaces(handler_input), "alexa_presentation_apl", None) is not None


def has_screen(handler_input: HandlerInput) -> bool:
    context = handler_input.request_envelope.context
    interfaces = _interfaces(handler_input)
    return bool(
        getattr(context, "viewport", None) is not None
        or getattr(context, "viewports", None)
        or getattr(interfaces, "display", None) is not None
    )


class ScreenInterceptor(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or (not has_screen(handler_input) and not supports_apl(handler_input)):
            return
        turn = handler_input.attributes_manager.request_attributes.get(TURN_ATTRIBUTE)
        if not isinstance(turn, Turn):
            return
        # Imported here, not at the top: only turns on a device with a screen need them.
        from skill.apl import render_directive
        from skill.content import geometry
        from skill.screens import screen_for

        locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
        screen = screen_for(
            turn.cat, geometry(), turn.state, turn.said, turn.speech.plain(), locale
        )
        if screen is None:
            return
        if supports_apl(handler_input):
            # A plain dict serializes as it stands, and spares importing the SDK's APL models.
            directive: Any = render_directive(screen)
            response.directives = [*(response.directives or []), directive]
        elif response.card is None and screen.card_text:
            response.card = SimpleCard(title=screen.card_title, content=screen.card_text[:8000])
