"""The public verification page (no login): anyone types a certificate's code, or follows the QR code
printed on it, and reads whether it is valid, expired or revoked, its issue date, the last day it is
valid and its holder's name; nothing else.

A browser gets the page; a client that asks for JSON only gets the same answer as
`GET /api/v1/verify/{code}`. Lookups share the JSON API's rate limit and audit (api.verify.service).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.verify.service import lookup, rate_limited
from api.web.pages import PUBLIC_VERIFY, render_public, request_language
from certificates.paper import canonical_code
from core.refusal import Refusal

router = APIRouter(include_in_schema=False)

NOT_FOUND = Refusal("certificate_not_found", 404, "no certificate has this verification code",
                    "لا توجد شهادة بهذا الرمز")
CODE_REQUIRED = Refusal("code_required", 422, "type the verification code printed on the certificate",
                        "اكتب رمز التحقق المطبوع على الشهادة", "code")
NOT_A_CODE = Refusal("invalid_code", 422,
                    "this is not a verification code: a code looks like MZN-ABCDE-FGHJK-LMNPQ",
                    "هذا ليس رمز تحقق: شكل الرمز MZN-ABCDE-FGHJK-LMNPQ", "code")
JSON_NEEDS_A_CODE = Refusal("code_required", 422, "give the code: GET /api/v1/verify/{code}",
                            "أرسل الرمز: GET /api/v1/verify/{code}", "code")


def wants_json(request: Request) -> bool:
    """A client that names JSON and not HTML (a script); browsers and `*/*` get the page."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


@router.get(PUBLIC_VERIFY)
def verify_form(request: Request, code: str | None = None) -> Response:
    """The form; sent (GET, so the answer has an address of its own), it goes to the code's page."""
    if code is None:
        if wants_json(request):
            raise JSON_NEEDS_A_CODE
        return render_public(request, "verify.html", typed="")
    typed = code.strip()[:100]
    canonical = canonical_code(typed)
    if canonical is None:  # nothing to look up: no code was ever issued in another form
        refusal = CODE_REQUIRED if not typed else NOT_A_CODE
        if wants_json(request):
            raise refusal
        return render_public(request, "verify.html", status=refusal.status, typed=typed,
                             error=refusal.message(request_language(request)))
    return RedirectResponse(f"{PUBLIC_VERIFY}/{canonical}", status_code=303)


@router.get(f"{PUBLIC_VERIFY}/{{code}}")
def verify_result(code: str, request: Request, session: SessionDep) -> Response:
    try:
        rate_limited(request)
    except Refusal as error:
        if wants_json(request):
            raise
        retry = str(max(1, round(float(error.details.get("retry_after", 1)))))
        return render_public(request, "verify.html", status=error.status, headers={"Retry-After": retry},
                             typed=code, error=error.message(request_language(request)))
    # a code typed from paper in its printed form; what cannot be a code is looked up (and audited) as given
    typed = code.strip()[:100]
    result = lookup(canonical_code(typed) or typed, session, request)
    if wants_json(request):
        if result is None:
            raise NOT_FOUND
        return JSONResponse(result.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
    if result is None:
        return render_public(request, "verify.html", status=NOT_FOUND.status, typed=typed, not_found=True)
    return render_public(request, "verify.html", typed=typed, code=canonical_code(typed) or typed, result=result)
