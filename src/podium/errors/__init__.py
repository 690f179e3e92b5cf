"""Every error Podium reports, as data: a code, a message template and the HTTP status each
surface gives it, per class. Five renderers turn them into answers, one per surface:
`api/envelope.py` (v1: the envelope, HTTP `status`, 200 for most), `web/errors.py` (the JSON
surfaces — management API, live actions — and the HTML pages: HTTP `http_status`) and
`api/v2/errors.py` (v2: `{"code", "message"[, "errors"]}`, HTTP `v2_status`, else
`http_status`; `v2_code` and `v2_message` where the v2 dialect says it otherwise; the
token endpoint's `{"reason", "error"}`).

    ZoomError                      v1: HTTP 200 unless a class says otherwise; else 400
    ├── MissingParameter           300 "<name> is required."
    ├── InvalidParameter           300 "Invalid parameter: <name>. <reason>"
    ├── MissingCredentials         300
    ├── InvalidCredentials         200
    ├── WebinarNotEnabled          200
    ├── UserNotExist               1001
    ├── ManualApprovalRequired     2008
    ├── RegistrationNotRequired    3000
    ├── InvalidOccurrence          3000
    ├── WebinarNotFound            3001
    ├── WebinarNotEnded            3001
    ├── CapacityReached            3035
    ├── WebinarOver                3038
    ├── RateLimited                403, HTTP 429
    ├── ValidationFailed           300, HTTP 400 (v2: a body or query its model refused)
    ├── RegistrantNotFound         3000, HTTP 404
    ├── PanelistNotFound           3000, HTTP 404
    ├── PollNotFound               3000, HTTP 404
    ├── PageTokenInvalid           300 next_page_token invalid or expired
    ├── BatchNotAllowed            300 batch registration of a webinar that is not type 5
    ├── AccessTokenRefused         124, HTTP 401 (v2 bearer tokens)
    │   ├── AccessTokenInvalid     missing or unknown
    │   ├── AccessTokenExpired
    │   └── AccessTokenInQuery
    ├── OAuthRefused               POST /oauth/token: HTTP 400 {"reason", "error"}
    │   ├── InvalidClient
    │   ├── UnsupportedGrantType
    │   └── InvalidAccountId
    ├── ApiRateLimited             429, HTTP 429 (v2: Zoom's per-second limits, opt-in)
    ├── GuessingThrottled          429, HTTP 429 (an address that keeps sending bad tokens)
    ├── InjectedError              code, message and status of a sandbox fault rule
    ├── ManagementError            /podium/api only; the HTTP status is the code
    │   ├── AdminTokenRequired     401
    │   ├── ManagementDisabled     403
    │   ├── SandboxOnly            403
    │   ├── NotFound               404
    │   ├── Conflict               409
    │   │   └── KeyInUse           409 another account has this api_key
    │   ├── WebhookUrlRefused      400 a webhook URL Podium will not call (scheme, address kind)
    │   └── WebhookNotValidated    422 the endpoint failed URL validation (what it answered)
    ├── Refusal                    a person's page or live action refused; HTTP status = code
    │   ├── LinkRefused            403 a start, personal or join link that does not open
    │   ├── FormExpired            403 a page's form without its CSRF field, or from elsewhere
    │   ├── PassInvalid            403 a live pass that is not ours, or expired
    │   ├── RoleNotAllowed         403
    │   ├── LiveWebinarMissing     404
    │   ├── UnknownLiveAction      404
    │   ├── WebinarNotRunning      409
    │   ├── LiveBodyInvalid        400
    │   ├── NeedsConfirmation      409 refused until confirmed (`confirm`: the flag to send)
    │   │   ├── StartsLater        going live before the scheduled start
    │   │   └── SessionOver        going live again after the end (a new session)
    │   ├── PollIsClosed           409
    │   ├── OwnQuestion            409 upvoting one's own question
    │   ├── SignInThrottled        429 too many failed sign-ins for an e-mail or from an address
    │   └── RegistrationClosed     410 a registration page that takes no registration now
    │       ├── WebinarHasEnded    410
    │       ├── WebinarIsOver      410 its scheduled time has passed
    │       ├── WebinarIsFull      409
    │       └── NoRegistrationNeeded 410
    └── TransportError             HTTP 404 / 405 / 413 / 500: refused before any action ran
        ├── UnknownAction
        ├── MethodNotAllowed
        ├── BodyTooLarge
        ├── UnsupportedContentType (HTTP 200, code 300: the client's fault, v1-style; v2 415)
        ├── InvalidJson            v2: a body that is not a JSON object
        ├── MethodNotAllowedHere   v2: 405 with the path's methods in Allow
        ├── StorageUnavailable     HTTP 503 + Retry-After: the database is unavailable
        └── InternalError

Nothing else picks a status: handlers raise, and their surface's renderer answers.
"""

from podium.errors.api import (
    AccessTokenExpired,
    AccessTokenInQuery,
    AccessTokenInvalid,
    AccessTokenRefused,
    ApiRateLimited,
    BatchNotAllowed,
    CapacityReached,
    GuessingThrottled,
    InjectedError,
    InvalidAccountId,
    InvalidClient,
    InvalidCredentials,
    InvalidOccurrence,
    InvalidParameter,
    ManualApprovalRequired,
    MissingCredentials,
    MissingParameter,
    OAuthRefused,
    PageTokenInvalid,
    PanelistNotFound,
    PollNotFound,
    RateLimited,
    RegistrantNotFound,
    RegistrationNotRequired,
    UnsupportedGrantType,
    UserNotExist,
    ValidationFailed,
    WebinarNotEnabled,
    WebinarNotEnded,
    WebinarNotFound,
    WebinarOver,
)
from podium.errors.base import (
    VALIDATION_FAILED,
    ZoomError,
)
from podium.errors.management import (
    AdminTokenRequired,
    Conflict,
    KeyInUse,
    ManagementDisabled,
    ManagementError,
    NotFound,
    SandboxOnly,
    WebhookNotValidated,
    WebhookUrlRefused,
)
from podium.errors.refusals import (
    FormExpired,
    LinkRefused,
    LiveBodyInvalid,
    LiveWebinarMissing,
    NeedsConfirmation,
    NoRegistrationNeeded,
    OwnQuestion,
    PassInvalid,
    PollIsClosed,
    Refusal,
    RegistrationClosed,
    RoleNotAllowed,
    SessionOver,
    SignInThrottled,
    StartsLater,
    UnknownLiveAction,
    WebinarHasEnded,
    WebinarIsFull,
    WebinarIsOver,
    WebinarNotRunning,
)
from podium.errors.transport import (
    BodyTooLarge,
    InternalError,
    InvalidJson,
    MalformedBody,
    MethodNotAllowed,
    MethodNotAllowedHere,
    StorageUnavailable,
    TransportError,
    UnknownAction,
    UnsupportedContentType,
)

__all__ = [
    "AccessTokenExpired",
    "AccessTokenInQuery",
    "AccessTokenInvalid",
    "AccessTokenRefused",
    "AdminTokenRequired",
    "ApiRateLimited",
    "BatchNotAllowed",
    "BodyTooLarge",
    "CapacityReached",
    "Conflict",
    "FormExpired",
    "GuessingThrottled",
    "InjectedError",
    "InternalError",
    "InvalidAccountId",
    "InvalidClient",
    "InvalidCredentials",
    "InvalidJson",
    "InvalidOccurrence",
    "InvalidParameter",
    "KeyInUse",
    "LinkRefused",
    "LiveBodyInvalid",
    "LiveWebinarMissing",
    "MalformedBody",
    "ManagementDisabled",
    "ManagementError",
    "ManualApprovalRequired",
    "MethodNotAllowed",
    "MethodNotAllowedHere",
    "MissingCredentials",
    "MissingParameter",
    "NeedsConfirmation",
    "NoRegistrationNeeded",
    "NotFound",
    "OAuthRefused",
    "OwnQuestion",
    "PageTokenInvalid",
    "PanelistNotFound",
    "PassInvalid",
    "PollIsClosed",
    "PollNotFound",
    "RateLimited",
    "Refusal",
    "RegistrantNotFound",
    "RegistrationClosed",
    "RegistrationNotRequired",
    "RoleNotAllowed",
    "SandboxOnly",
    "SessionOver",
    "SignInThrottled",
    "StartsLater",
    "StorageUnavailable",
    "TransportError",
    "UnknownAction",
    "UnknownLiveAction",
    "UnsupportedContentType",
    "UnsupportedGrantType",
    "UserNotExist",
    "VALIDATION_FAILED",
    "ValidationFailed",
    "WebhookNotValidated",
    "WebhookUrlRefused",
    "WebinarHasEnded",
    "WebinarIsFull",
    "WebinarIsOver",
    "WebinarNotEnabled",
    "WebinarNotEnded",
    "WebinarNotFound",
    "WebinarNotRunning",
    "WebinarOver",
    "ZoomError",
]
