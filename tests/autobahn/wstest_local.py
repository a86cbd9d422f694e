# Python 2.7: run with tests/autobahn/venv/bin/python.
"""wstest, with every listening socket bound to 127.0.0.1, plus a case-list helper.

Why: in autobahntestsuite 25.10.1, `fuzzingserver` mode calls autobahn's
`listenWS(factory, ctx)`, whose `interface` defaults to '' (all interfaces); the spec's `url`
only sets the port and the Host header. The embedded web server (`-u/--webport`, default 8080)
also binds all interfaces; `-u 0` disables it (fuzzing.startServer checks `if webport:`).
This wrapper forces interface='127.0.0.1' on every reactor.listenTCP/listenSSL call, then
hands over to the real wstest command line.

    python wstest_local.py -m fuzzingserver -s spec.json -u 0
    python wstest_local.py --list-cases spec.json   # JSON list of the case ids the spec selects
"""
import json
import sys

LOOPBACK = '127.0.0.1'


def list_cases(spec_path):
    from autobahntestsuite.case import (Cases, CaseBasename, CaseCategories, CaseSetname,
                                        CaseSubCategories)
    from autobahntestsuite.caseset import CaseSet
    with open(spec_path) as f:
        spec = json.load(f)
    case_set = CaseSet(CaseSetname, CaseBasename, Cases, CaseCategories, CaseSubCategories)
    print(json.dumps(case_set.parseSpecCases(spec)))


def bind_loopback_only(reactor):
    """Rebind reactor.listenTCP / listenSSL so that `interface` is always 127.0.0.1."""
    def force_loopback(listen, n_before_interface):
        # listenTCP(port, factory, backlog=50, interface='')
        # listenSSL(port, factory, contextFactory, backlog=50, interface='')
        def wrapped(*args, **kwargs):
            kwargs.pop('interface', None)
            return listen(*args[:n_before_interface], interface=LOOPBACK, **kwargs)
        return wrapped
    reactor.listenTCP = force_loopback(reactor.listenTCP, 3)
    reactor.listenSSL = force_loopback(reactor.listenSSL, 4)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--list-cases':
        list_cases(sys.argv[2])
        return 0
    # wstest.py must be imported first: it installs the preferred reactor.
    from autobahntestsuite import wstest
    from twisted.internet import reactor
    bind_loopback_only(reactor)
    sys.argv[0] = 'wstest'
    return wstest.run()


if __name__ == '__main__':
    sys.exit(main())
