"""Mail: notifications written as email in the recipient's language (from the same catalogs as the web),
sent through an SMTP relay, and the development sink that `./mizan up` runs in the relay's place."""
