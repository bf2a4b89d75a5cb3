"""Who may use data exchange: read by the views, the export command and the main navigation."""

from amparo.accounts.roles import Role

# Imports write many cases at once and show rejected rows with their original values; exports hand over
# record-level data that, even without names, can single a child out. Both are for data managers and
# administrators.
EXCHANGE_ROLES = frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR})
