"""Create API clients, issue and revoke their tokens, list them."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from amparo.api import services
from amparo.api.models import ApiClient
from amparo.exchange.services import ImportRefused, organisation_find


class Command(BaseCommand):
    help = "Create an API client (its token is printed once), issue a new token, revoke its tokens, or list clients."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a client for an organisation, with one role")
        create.add_argument("name")
        create.add_argument("--organisation", required=True)
        create.add_argument("--role", required=True)
        create.add_argument("--scope", default="", help="own, organisation or all (default: the role's)")
        create.add_argument("--days", type=int, default=None, help="the token expires after this many days")
        issue = actions.add_parser("issue", help="a new token for a client")
        issue.add_argument("name")
        issue.add_argument("--days", type=int, default=None)
        revoke = actions.add_parser("revoke", help="revoke every token of a client")
        revoke.add_argument("name")
        actions.add_parser("list", help="clients and their tokens")

    def handle(self, *args, action, **options):
        expires = timezone.now() + timedelta(days=options["days"]) if options.get("days") else None
        try:
            if action == "create":
                organisation = organisation_find(options["organisation"])
                client, token = services.client_create(
                    name=options["name"],
                    organisation=organisation,
                    role=options["role"],
                    scope=options["scope"],
                    expires_at=expires,
                )
                self._token(client, token)
            elif action == "issue":
                client = self._client(options["name"])
                self._token(client, services.token_issue(client=client, expires_at=expires))
            elif action == "revoke":
                count = services.tokens_revoke(client=self._client(options["name"]))
                self.stdout.write(f"{count} token(s) of {options['name']} revoked.")
            else:
                for client in ApiClient.objects.select_related("account__organisation"):
                    account = client.account
                    self.stdout.write(
                        f"{client.name}\t{account.organisation}\t{account.role}\t{account.effective_scope}"
                    )
                    for token in client.tokens.all():
                        state = "revoked" if token.revoked_at else ("valid" if token.is_valid() else "expired")
                        self.stdout.write(f"  {token.prefix}…\t{state}\texpires {token.expires_at or '-'}")
        except (services.ClientRefused, ImportRefused) as refusal:
            raise CommandError(str(refusal)) from None

    def _client(self, name: str) -> ApiClient:
        try:
            return ApiClient.objects.get(name=name)
        except ApiClient.DoesNotExist:
            raise CommandError(f"No API client named {name}.") from None

    def _token(self, client: ApiClient, token: str) -> None:
        self.stdout.write(f"Token of {client.name} (shown once, keep it secret):")
        self.stdout.write(token)
