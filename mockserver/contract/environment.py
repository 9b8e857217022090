"""The names of the contract kit's environment variables, in a module of their own: the CLI
builds ``contract --help`` from them at every start, and importing ``targets`` for them would
pull httpx and the whole kit into ``mockserver serve``'s cold start (~0.2 s), and importing
``config`` and ``specs`` for them the TOML and YAML readers (~50 ms)."""

TARGET_ENV = "MOCKSERVER_CONTRACT_TARGET"
REAL_OPT_IN_ENV = "MOCKSERVER_CONTRACT_REAL"
REAL_KEY_ENV = "FULLSTORY_API_KEY"
WRITES_ENV = "MOCKSERVER_CONTRACT_WRITES"
BUDGET_ENV = "MOCKSERVER_CONTRACT_BUDGET"
KEY_ENV = "MOCKSERVER_CONTRACT_KEY"
ADMIN_TOKEN_ENV = "MOCKSERVER_CONTRACT_ADMIN_TOKEN"
CONFIG_ENV = "MOCKSERVER_CONTRACT_CONFIG"
EXAMPLES_ENV = "MOCKSERVER_CONTRACT_EXAMPLES"
DEFAULT_EXAMPLES = 25
