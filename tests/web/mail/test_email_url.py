"""EMAIL_URL: one setting for the SMTP server, read at start-up; a bad one stops the start with
a French message that never repeats the password."""

from __future__ import annotations

import pytest

from quartiers.config import Config, ConfigurationError, email_server


def test_no_url_no_server():
    config = Config.from_environment({})
    assert config.email_host == "" and config.email_port == 0


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "", "", False, False)),
    ("smtp://relais.exemple.test", ("relais.exemple.test", 25, "", "", False, False)),
    ("smtp+tls://centre%40exemple.test:p%40ss%2Fw%3Ard@smtp.exemple.test:587",
     ("smtp.exemple.test", 587, "centre@exemple.test", "p@ss/w:rd", True, False)),
    ("smtp+tls://u:p@smtp.exemple.test", ("smtp.exemple.test", 587, "u", "p", True, False)),
    ("smtps://u:mot%20de%20passe@smtp.exemple.test",
     ("smtp.exemple.test", 465, "u", "mot de passe", False, True)),
    ("  SMTP://Relais.Exemple.Test:25/  ", ("relais.exemple.test", 25, "", "", False, False)),
])
def test_good_urls(url, expected):
    server = email_server(url)
    assert (server["email_host"], server["email_port"], server["email_user"],
            server["email_password"], server["email_tls"], server["email_ssl"]) == expected


@pytest.mark.parametrize(("url", "says"), [
    ("http://smtp.exemple.test", "le schéma « http » n'est pas reconnu"),
    ("smtp.exemple.test:587", "n'est pas reconnu ; attendu smtp://"),
    ("smtp://u:secret@smtp.exemple.test:port", "le port doit être un nombre"),
    ("smtp://u:secret@smtp.exemple.test:99999", "le port doit être un nombre"),
    ("smtp://:25", "aucun serveur indiqué"),
    ("smtp+tls://u:se/cret@smtp.exemple.test", "si le mot de passe contient"),
    ("smtp+tls://u:se#cret@smtp.exemple.test", "si le mot de passe contient"),
])
def test_bad_urls_are_refused_in_french_without_the_password(url, says):
    with pytest.raises(ConfigurationError) as error:
        Config.from_environment({"EMAIL_URL": url})
    assert str(error.value).startswith("EMAIL_URL : ")
    assert says in str(error.value)
    assert "secret" not in str(error.value) and "cret" not in str(error.value)
