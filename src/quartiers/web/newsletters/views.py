"""The public pages of the letters (/lettres/): subscribing, confirming, choosing one's letters,
leaving in one click, and the archive of the issues sent. The pages reached by a personal link
are never cached nor indexed, and never name their address to another site (the link is
the key)."""

from __future__ import annotations

from functools import wraps

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .forms import PreferencesForm, SubscribeForm
from .models import NewsletterIssuePage, NewsletterList, Status
from .services import (
    CONFIRMATION_DAYS,
    CONSENT_VERSION,
    LinkError,
    check_confirmation_link,
    confirm,
    person_of_preferences_link,
    preferences_url,
    request_subscription,
    set_preferences,
    subscription_of_unsubscribe_link,
    unsubscribe,
)


def personal(view):
    """A page opened by a personal link: a bad link gets a page saying what to do."""

    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        try:
            response = view(request, token, *args, **kwargs)
        except LinkError as error:
            response = render(request, "newsletters/link_error.html",
                              {"title": error.title, "message": error.message},
                              status=error.status)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return never_cache(wrapped)


def _source(request) -> str:
    return request.build_absolute_uri(request.path)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_subscription(form.cleaned_data["email"], list(form.cleaned_data["lists"]),
                             source=_source(request))
        # the same page whether the address was unknown, pending or subscribed already
        return render(request, "newsletters/subscribe_sent.html", {"days": CONFIRMATION_DAYS})
    return render(request, "newsletters/subscribe.html",
                  {"form": form, "version": CONSENT_VERSION}, status=400 if form.errors else 200)


@personal
@require_http_methods(["GET", "POST"])
def confirmation(request, token):
    """GET shows a button (a mail reader opening links by itself confirms nothing), POST
    confirms."""
    if request.method == "POST":
        person, lists = confirm(token)
        return render(request, "newsletters/confirmed.html",
                      {"lists": lists, "preferences_url": preferences_url(person)})
    check_confirmation_link(token)
    return render(request, "newsletters/confirm.html")


def _masked(email: str) -> str:
    """Enough of the address to recognise it, not to read it (a letter may be forwarded)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@personal
@require_http_methods(["GET", "POST"])
def preferences(request, token):
    person = person_of_preferences_link(token)
    subscribed = [s.newsletter for s in person.newsletter_subscriptions.filter(
        status=Status.SUBSCRIBED).select_related("newsletter")]
    saved = None
    if request.method == "POST":
        data = request.POST.copy()
        if "tout" in data:
            data.setlist("lists", [])
        form = PreferencesForm(data, subscribed=subscribed)
        if form.is_valid():
            set_preferences(person, list(form.cleaned_data["lists"]), source=_source(request))
            saved = list(form.cleaned_data["lists"])
            form = PreferencesForm(initial={"lists": saved}, subscribed=saved)
    else:
        form = PreferencesForm(initial={"lists": subscribed}, subscribed=subscribed)
    return render(request, "newsletters/preferences.html", {
        "form": form, "saved": saved, "address": _masked(person.email),
        "version": CONSENT_VERSION},
        status=400 if form.errors else 200)


@csrf_exempt  # RFC 8058: the mail reader posts « List-Unsubscribe=One-Click » without a page
@personal
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    subscription = subscription_of_unsubscribe_link(token)
    context = {"newsletter": subscription.newsletter,
               "preferences_url": preferences_url(subscription.person)}
    if request.method == "POST":
        context["done"] = unsubscribe(subscription)
        context["already"] = not context["done"]
        return render(request, "newsletters/unsubscribed.html", context)
    context["already"] = subscription.status == Status.UNSUBSCRIBED
    return render(request, "newsletters/unsubscribe.html", context)


def archive(request):
    """The issues sent, by list, newest first."""
    sent = (NewsletterIssuePage.objects.live().filter(sending_record__isnull=False)
            .select_related("sending_record").order_by("-sending_record__requested_at"))
    lists = NewsletterList.objects.prefetch_related(
        Prefetch("issues", queryset=sent, to_attr="sent"))
    return render(request, "newsletters/archive.html",
                  {"lists": [n for n in lists if n.sent]})
