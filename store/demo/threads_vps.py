"""The conversations about clients' VPSes: firewall, reverse DNS, a DDoS, Docker networking,
the API, SSH users and IPv6."""

from __future__ import annotations

from datetime import timedelta

from ..views import NewAttachment
from .clock import days, hours, mins
from .desk import Desk
from .files import png_file, text_file

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_firewall_5432(d: Desk):
    tid = d.open("dmitri", "Technical support", "Open port 5432 for our office IP only",
                 """
                 Hello,

                 our analysts need direct access to PostgreSQL on pg-analytics-01 from the
                 office. Could you open TCP 5432 in the network firewall for 198.51.100.24 only?
                 Everything else should stay closed, of course.

                 Thanks,
                 Dmitri
                 """, service="volkov-vps")
    yield mins(52)
    d.reply("sofia.reyes", tid, """
        Hello Dmitri,

        the rule is in place: TCP 5432 is allowed from 198.51.100.24/32 and dropped from
        anywhere else. Please also make sure PostgreSQL listens on the public interface
        (listen_addresses in postgresql.conf) and that pg_hba.conf has a line such as

            hostssl  all  analysts  198.51.100.24/32  scram-sha-256

        so connections are encrypted. Tell me if the analysts can connect.

        Best regards,
        Sofia Reyes
        Technical support
        """)
    yield hours(3)
    d.read(tid)
    yield mins(40)
    d.say(tid, """
        Works from the office, and a test from my home connection is refused as expected.
        Thank you!
        """)
    yield mins(25)
    d.ok("sofia.reyes", tid, """
        Great, thanks for testing from outside too. Closing this one.

        Sofia
        """, incidents=0)
    yield hours(9)
    d.read(tid)


def t_ptr(d: Desk):
    tid = d.open("jonas", "Technical support", "Reverse DNS (PTR) for 203.0.113.47",
                 """
                 Hi,

                 please set the PTR of 203.0.113.47 (vps-7731) to mail.albrecht-it.test. The A
                 record is already in place. Needed for outgoing mail.

                 Jonas
                 """, service="albrecht-vps", priority="low")
    yield mins(35)
    d.ok("kenji.watanabe", tid, """
        Hi Jonas,

        done:

            $ dig +short -x 203.0.113.47
            mail.albrecht-it.test.

        PTR changes are free, no incident counted.

        Kenji Watanabe
        Technical support
        """, incidents=0)
    yield hours(1)
    d.read(tid)
    yield hours(2)
    d.archive(tid)


def t_ddos(d: Desk):
    tid = d.open("oliver", "Technical support", "DDoS on our game server last night (UDP 27015)",
                 """
                 Hello,

                 between 23:10 and 23:55 last night all our Counter-Strike servers were
                 unplayable, players timing out. Our monitoring shows the uplink of the VPS full
                 with UDP to port 27015. Was that a DDoS? Did your mitigation kick in? We lost
                 a tournament evening over this.

                 Oliver Brandt
                 """, service="brandt-vps", priority="urgent")
    yield mins(25)
    d.reply("kenji.watanabe", tid, """
        Hello Oliver,

        yes, it was a DDoS: a UDP reflection attack (mostly DNS and memcached responses, up to
        9.4 Gbit/s) aimed at 203.0.113.120 port 27015. Our mitigation detected it at 23:12 and
        filtered it upstream from 23:14, but for game traffic the generic filter is too coarse:
        it let the reflected packets through at reduced rate, which is what your players felt.

        The traffic graph of the night is attached. I have now enabled our game-server profile
        for your IP: it only lets through packets that look like Source-engine queries and
        sessions, so the next attack of this kind should be dropped entirely.

        Kenji Watanabe
        Technical support
        """, files=(png_file("traffic-203.0.113.120.png", 160, 90, seed=27015),), incidents=0)
    yield hours(4)
    d.read(tid)
    yield mins(15)
    d.say(tid, """
        Thanks Kenji, that's a clear answer. We'll watch tonight and tell you if anything
        happens.
        """)
    yield days(1) + hours(2)
    d.ok("kenji.watanabe", tid, """
        Hello Oliver,

        no further attacks against your IP in the last 24 hours, and the profile stays on.
        Closing the ticket; reply here if it happens again.

        Kenji
        """, incidents=0)
    yield hours(6)
    d.read(tid)


ANSI_LOG = (
    "\x1b[36mworker-1  |\x1b[0m [{date} 07:02:13,551: \x1b[31mERROR\x1b[0m/MainProcess] "
    "consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. "
    "Connection refused..\n"
    "\x1b[36mworker-1  |\x1b[0m Trying again in 32.00 seconds... (16/100)\n"
    "\x1b[33mweb-1     |\x1b[0m \x1b[1;31mredis.exceptions.ConnectionError\x1b[0m: "
    "Error 113 connecting to redis:6379. No route to host.\n"
    "\x1b[32mredis-1   |\x1b[0m 1:M * Ready to accept connections tcp\n"
)


def t_docker_loop(d: Desk):
    tid = d.open("jonas", "Technical support",
                 "Docker containers can't reach each other after kernel update",
                 "Hi,\n\n"
                 "after yesterday's unattended upgrade (kernel 6.8) and reboot, the containers "
                 "of our app stack can't talk to each other any more: the worker and web "
                 "containers restart in a loop because they can't connect to redis, although "
                 "redis is up. Pasted straight from `docker compose logs` (sorry for the "
                 "colours):\n\n" + ANSI_LOG.format(date=d.date(0)) + "\n"
                 "Full log attached. Nothing changed in the compose file. Any idea?\n\nJonas",
                 service="albrecht-vps", priority="high",
                 files=(NewAttachment("compose-logs.txt", (ANSI_LOG.format(date=d.date(0)) * 6).encode(),
                                      "text/plain"),))
    yield hours(1) + mins(10)
    d.reply("kenji.watanabe", tid, """
        Hi Jonas,

        "No route to host" between containers on the same bridge usually means the firewall
        lost Docker's rules. Could you send `iptables -S DOCKER-USER`, `nft list ruleset | head
        -50` and tell me whether firewalld runs on the VPS?

        Kenji
        """)
    yield hours(1) + mins(5)
    d.say(tid, """
        firewalld is running, yes (I installed it last month). iptables -S DOCKER-USER says
        "iptables: No chain/target/match by that name." and the nft ruleset only has firewalld's
        tables.
        """)
    yield mins(30)
    d.reply("kenji.watanabe", tid, """
        That's it. On boot firewalld now starts after Docker (the upgrade changed the unit
        ordering) and reloads the ruleset, which removes the chains Docker created. Quick fix:

            systemctl restart docker

        Permanent fix, so Docker always starts after firewalld:

            mkdir -p /etc/systemd/system/docker.service.d
            printf '[Unit]\\nAfter=firewalld.service\\nRequires=firewalld.service\\n' \\
              > /etc/systemd/system/docker.service.d/after-firewalld.conf
            systemctl daemon-reload

        Kenji
        """)
    yield hours(1) + mins(40)
    d.say(tid, """
        Restarting docker fixed it instantly, and after adding the drop-in I rebooted twice to
        be sure: everything comes up. Thanks!
        """)
    yield mins(20)
    d.ok("kenji.watanabe", tid, """
        Glad it works. Closing this one.

        Kenji
        """, incidents=0)
    yield hours(11)
    d.read(tid)


def t_api_tokens(d: Desk):
    tid = d.open("jonas", "Technical support", "Feature request: API tokens per project",
                 """
                 Hi,

                 small feature request: API tokens are per account right now. I manage VPSes for
                 three customers from one account; a token per project with limited rights would
                 let me give their CI access to only their servers.

                 Jonas
                 """, priority="low")
    yield hours(14)
    d.ok("marek.novak", tid, """
        Hi Jonas,

        thanks, a good idea, and you're not the first to ask. I've passed it to our product
        team with your use case; scoped tokens are on the roadmap, but I can't promise a date.
        Until then, a sub-account per customer (Account > Users) gives the same separation.

        Marek Novák
        Technical support
        """, incidents=0)
    yield days(1)
    d.read(tid)
    yield hours(1)
    d.archive(tid)


def t_remove_user(d: Desk):
    tid = d.open("fatima", "Technical support", "Remove access for a former employee (user yassine)",
                 """
                 Hello,

                 our developer Yassine left the company last week. Please remove his SSH access
                 to the booking-api VPS and his control-panel user "yassine". Thank you.

                 Fatima
                 """, service="atlas-vps", priority="high")
    yield mins(40)
    d.ok("lena.fischer", tid, """
        Hello Fatima,

        done:

        - control-panel user "yassine" deleted (his last login was 4 days ago);
        - his SSH key (yassine@atlas-laptop) removed from /root/.ssh/authorized_keys and
          /home/deploy/.ssh/authorized_keys on booking-api.

        I'd also recommend rotating any API keys and database passwords he knew; your app's
        .env file has three of them.

        Lena Fischer
        Technical support
        """)
    yield hours(2)
    d.read(tid)
    yield days(1) + hours(5)
    d.archive(tid)


def t_api_slow(d: Desk):
    tid = d.open("fatima", "Technical support", "Booking API very slow since this morning",
                 """
                 Hello,

                 since this morning our booking API (booking-api VPS) answers in 5-10 seconds
                 instead of 200 ms. Nothing was deployed. Can you see anything on your side?

                 Fatima
                 """, service="atlas-vps", priority="high")
    yield mins(40)
    d.reply("kenji.watanabe", tid, """
        Hello Fatima,

        the host and network look normal: no packet loss and the VPS gets its full CPU. But
        inside the VPS the load average is 11 on 2 vCPUs. Could you send the output of
        `top -b -n 1 | head -30` so we can see which process it is?

        Kenji
        """)
    yield hours(1) + mins(10)
    d.say(tid, "Here it is.", files=(text_file("top-output.txt", """
        top - 09:14:02 up 41 days,  3:12,  1 user,  load average: 11.42, 10.87, 9.03
        Tasks: 168 total,  12 running, 156 sleeping,   0 stopped,   0 zombie
        %Cpu(s): 96.8 us,  2.9 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.3 si,  0.0 st
        MiB Mem :   3931.2 total,    212.4 free,   2980.1 used,    738.7 buff/cache

            PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
          18812 www-data  20   0  412880 221340  18220 R  47.1   5.5  81:12.44 php-fpm: pool booking
          18815 www-data  20   0  411948 219004  18104 R  46.8   5.4  80:57.10 php-fpm: pool booking
          18820 www-data  20   0  409312 216772  17990 R  45.9   5.4  79:33.02 php-fpm: pool booking
            944 mysql     20   0 1873204 702112  33808 S  38.2  17.4   2d+11h mysqld
          18830 www-data  20   0  408204 215120  17880 R  30.5   5.3  41:20.91 php-fpm: pool booking
        """),))
    yield mins(30)
    d.note("kenji.watanabe", tid, """
        php-fpm workers pegged + mysqld busy: probably a missing index after their last
        migration, or a crawler hammering /search. Access log: 71% of requests from one IP
        range (198.51.100.0/24), user agent "PriceScraper/2.1".
        """)
    yield mins(5)
    d.reply("kenji.watanabe", tid, """
        Thank you. The PHP workers are all busy with your /api/search endpoint, and 71% of
        those requests come from a single price-comparison crawler ("PriceScraper/2.1" from
        198.51.100.0/24), about 40 requests per second.

        Options: rate-limit it in nginx (I can send you the three lines), or block it entirely
        if you don't work with that comparison site. Which do you prefer?

        Kenji
        """)


def t_ipv6(d: Desk):
    d.open("jonas", "Technical support", "IPv6 of vps-7731 not reachable from outside",
           """
           Hi,

           2001:db8:77::31 on vps-7731 answers locally but not from outside:

               $ ping -6 -c3 2001:db8:77::31   (from my laptop, native IPv6)
               3 packets transmitted, 0 received, 100% packet loss
               $ ip -6 route    (on the VPS)
               2001:db8:77::/64 dev eth0 proto kernel metric 256
               default via fe80::1 dev eth0 metric 1024

           ip6tables is empty (ACCEPT everywhere). IPv4 is fine. Something on your side?

           Jonas
           """, service="albrecht-vps", priority="normal")
    yield timedelta(0)
