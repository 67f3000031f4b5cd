"""The web kit: what every surface and every module's pages and API routers repeat, below the domains
(it imports core and accounts, nothing above): the API's authentication and token scopes, downloads,
the "perform an action and say why it was refused" helper, error flattening for forms."""
