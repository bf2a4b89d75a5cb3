"""Who may use data exchange: read by the views and by the main navigation."""

from amparo.accounts.roles import Role

# Imports write many cases at once and show rejected rows with their original values.
IMPORT_ROLES = frozenset({Role.DATA_MANAGER, Role.ADMINISTRATOR})
