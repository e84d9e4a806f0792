"""glibc's stub resolver and ``libnss_dns``, written once and driven twice.

The modules, each with one job:

* ``names``: domain names as glibc handles them (``ns_name_pton``,
  ``ns_name_ntop``, ``ns_name_unpack``, ``res_hnok``) — byte-exact, because
  which names glibc sends, accepts and refuses is part of the behaviour.
* ``wire``: DNS messages — queries as ``res_mkquery`` builds them and the
  parts of responses the resolver reads.
* ``config``: the configuration one lookup uses (``DnsConfig``), from our
  parse of resolv.conf plus a Resolver's overrides.
* ``io``: the primitive I/O requests the core yields (open/send/receive on
  UDP and TCP sockets, with deadlines).
* ``exchange``: ``res_send`` — servers × attempts, per-server timeouts,
  rotate, A and AAAA on one socket, single-request(-reopen), TC → TCP, reply
  validation — as a sans-I/O generator.
* ``search``: ``res_query`` and ``res_search`` (search list, ndots, stop
  rules, the final h_errno) and the errno glibc's nss_dns looks at.
* ``answers``: nss_dns's parsers of the answers (addresses, CNAME chain,
  canonical name, PTR), with glibc's status and h_errno.
* ``trace``: the record of every query sent, for ``--explain`` and
  ``lookup compare``.
* ``syncio``: the blocking driver (``Resolver.perform_io``); ``netdb.aio`` is
  the asyncio driver of the same generators.

The ``dns`` source itself (the NSS module) is ``netdb.sources.dns``.  Nothing
here is imported for files-only lookups.
"""
