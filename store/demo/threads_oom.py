"""The long one: a VPS whose PostgreSQL the OOM killer stops every night, solved over two
weeks (more than 30 messages, staff handing it over, a charge and a summary)."""

from __future__ import annotations

from .clock import days, hours, mins
from .desk import Desk
from .files import text_file
from .people import ADMIN

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_oom_long(d: Desk):
    """The long one: a VPS that runs out of memory every night, solved over two weeks."""
    tid = d.open("dmitri", "Technical support",
                 "PostgreSQL killed by the OOM killer every night on pg-analytics-01",
                 """
                 Hello,

                 since last week PostgreSQL on our VPS (pg-analytics-01, VPS L-8) gets killed
                 almost every night around 02:30 UTC. Metabase then shows "connection refused"
                 until I restart the database in the morning. dmesg says:

                   Out of memory: Killed process 28114 (postgres) total-vm:9854320kB,
                   anon-rss:6123408kB, file-rss:0kB, shmem-rss:1843200kB, UID:999
                   pgtables:14280kB oom_score_adj:0

                 Nothing changed on our side as far as I know. Could you check whether something
                 is wrong with the host? The full dmesg excerpt is attached.

                 Regards,
                 Dmitri Volkov
                 """, service="volkov-vps", priority="high",
                 files=(text_file("dmesg-oom.txt", f"""
                    [{d.date(1)} 02:31:07] postgres invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
                    [{d.date(1)} 02:31:07] Mem-Info:
                    [{d.date(1)} 02:31:07] active_anon:1530852 inactive_anon:402113 isolated_anon:0
                    [{d.date(1)} 02:31:07] Free swap  = 0kB
                    [{d.date(1)} 02:31:07] Total swap = 0kB
                    [{d.date(1)} 02:31:07] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=docker-4f1c.scope,mems_allowed=0,global_oom,task_memcg=/system.slice/docker-4f1c.scope,task=postgres,pid=28114,uid=999
                    [{d.date(1)} 02:31:07] Out of memory: Killed process 28114 (postgres) total-vm:9854320kB, anon-rss:6123408kB, file-rss:0kB, shmem-rss:1843200kB, UID:999 pgtables:14280kB oom_score_adj:0
                    [{d.date(1)} 02:31:08] oom_reaper: reaped process 28114 (postgres), now anon-rss:0kB, file-rss:0kB, shmem-rss:1843200kB
                    """),))
    yield mins(48)
    d.reply("sofia.reyes", tid, """
        Hello Dmitri,

        thank you for the details. I checked the host node your VPS runs on: it is healthy and
        has plenty of free memory. The OOM killer in your log runs inside your VPS: the system
        itself ran out of its 8 GB and had to kill the biggest process, which was PostgreSQL.

        To find out what eats the memory at 02:30, could you send:

        - the output of `free -m`,
        - your memory settings: shared_buffers, work_mem, maintenance_work_mem and
          max_connections (SHOW ...; in psql),
        - the cron jobs that run between 02:00 and 03:00.

        Best regards,
        Sofia Reyes
        Technical support
        """, internal="""
        Host node kvm-fra-14 checked: no ballooning, no memory pressure on the hypervisor,
        steal time < 1%. It's inside the guest.
        """)
    yield hours(3) + mins(10)
    d.read(tid)
    yield mins(20)
    d.say(tid, """
        Here you go. free -m right now (in the afternoon, so nothing special running):

                       total        used        free      shared  buff/cache   available
            Mem:        7941        3312         412        1806        4216        2530
            Swap:          0           0           0

        Settings: shared_buffers = 2GB, work_mem = 256MB, maintenance_work_mem = 1GB,
        max_connections = 200.

        Cron: 02:15 pg_dump of the analytics database, 02:30 the Metabase sync and a
        REFRESH MATERIALIZED VIEW for the sales dashboards.

        Dmitri
        """, files=(text_file("postgresql-memory.conf", """
            # pg-analytics-01 /etc/postgresql/16/main/conf.d/memory.conf
            shared_buffers = 2GB
            effective_cache_size = 6GB
            work_mem = 256MB
            maintenance_work_mem = 1GB
            max_connections = 200
            max_parallel_workers_per_gather = 4
            """),))
    yield hours(1) + mins(35)
    d.reply("sofia.reyes", tid, """
        Thanks, that explains a lot. work_mem is per sort or hash operation, per connection:
        with max_connections = 200 and work_mem = 256MB the worst case is far beyond 8 GB, and
        a dashboard refresh runs many such operations in parallel workers.

        I suggest:

            work_mem = 32MB
            maintenance_work_mem = 512MB
            max_connections = 60

        and, as a safety net, a 2 GB swap file (the L-8 plan has none by default):

            fallocate -l 2G /swapfile && chmod 600 /swapfile
            mkswap /swapfile && swapon /swapfile
            echo '/swapfile none swap sw 0 0' >> /etc/fstab

        Then restart PostgreSQL and let's see how tonight goes.

        Sofia
        """)
    yield hours(17)
    d.read(tid)
    yield mins(30)
    d.say(tid, """
        Applied everything yesterday evening. No kill tonight, but the nightly refresh took
        three times longer than before (47 minutes instead of 15).
        """)
    yield hours(2)
    d.reply("sofia.reyes", tid, """
        Good news that it survived. The slower refresh is the price of the smaller work_mem:
        sorts now spill to disk. You can give the memory back only where it's needed, for the
        role that runs the refresh:

            ALTER ROLE metabase_etl SET work_mem = '256MB';

        Everything else keeps the safe 32MB.

        Sofia
        """)
    yield days(1) + hours(4)
    d.say(tid, """
        Killed again at 02:41 :( I set the work_mem for the ETL role as you said. The
        PostgreSQL log of the night is attached.
        """, files=(text_file("postgresql-night.log", f"""
            {d.date(0)} 02:30:01.114 UTC [30107] etl@analytics LOG:  statement: REFRESH MATERIALIZED VIEW CONCURRENTLY sales_daily_mv;
            {d.date(0)} 02:30:02.873 UTC [30115] LOG:  checkpoint starting: time
            {d.date(0)} 02:36:44.019 UTC [30115] LOG:  checkpoint complete: wrote 48211 buffers (18.4%)
            {d.date(0)} 02:41:17.552 UTC [1] LOG:  server process (PID 30122) was terminated by signal 9: Killed
            {d.date(0)} 02:41:17.552 UTC [1] DETAIL:  Failed process was running: REFRESH MATERIALIZED VIEW CONCURRENTLY sales_daily_mv;
            {d.date(0)} 02:41:17.553 UTC [1] LOG:  terminating any other active server processes
            {d.date(0)} 02:41:17.601 UTC [1] LOG:  all server processes terminated; reinitializing
            {d.date(0)} 02:41:19.118 UTC [30240] LOG:  database system was not properly shut down; automatic recovery in progress
            {d.date(0)} 02:41:23.907 UTC [30240] LOG:  redo done at 1F/8A3C21D8 system usage: CPU: user: 2.91 s, system: 1.02 s, elapsed: 4.73 s
            {d.date(0)} 02:41:24.010 UTC [1] LOG:  database system is ready to accept connections
            """),))
    yield mins(35)
    d.note("sofia.reyes", tid, """
        Beyond first line now: the concurrent MV refresh with 256MB work_mem in parallel
        workers, plus pg_dump. Asking Marek to take it.
        """)
    d.assign("sofia.reyes", tid, staff="marek.novak")
    yield mins(20)
    d.take("marek.novak", tid, force=True)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
    d.reply("marek.novak", tid, """
        Hello Dmitri,

        I'm Marek, I lead the technical team and will take this one over from Sofia.

        In the log the kill comes during REFRESH MATERIALIZED VIEW CONCURRENTLY. A concurrent
        refresh builds a complete new copy of the view and then diffs it against the old one,
        which is memory-hungry with big hash joins. Two questions:

        1. How big is the view? SELECT pg_size_pretty(pg_total_relation_size('sales_daily_mv'));
        2. Does your pg_dump run with -j (parallel jobs)?

        Best regards,
        Marek Novák
        Technical support
        """)
    yield hours(2) + mins(15)
    d.say(tid, """
        The view is 14 GB. pg_dump runs with -j 4 -Fd into /backup. I didn't know that
        mattered.
        """)
    yield mins(50)
    d.reply("marek.novak", tid, """
        It does: -j 4 opens four extra connections that each read whole tables, and they run
        at the very moment the refresh needs its memory. Please move the dump to 04:00 and use
        -j 2. The refresh then has the machine to itself.

        Marek
        """)
    yield hours(1)
    d.say(tid, "Moved the dump to 04:00 with -j 2. Let's see tonight.")
    yield days(2) + hours(7)
    d.say(tid, """
        Two quiet nights, and then tonight killed again at 02:36, without pg_dump running.
        My monitoring takes a ps snapshot every minute; the one from just before is attached.
        The Metabase java process is at 3.1 GB.
        """, files=(text_file("ps-snapshot.txt", """
            USER       PID %CPU %MEM    VSZ   RSS COMMAND
            999      31877 88.2 37.9 8123400 3083112 postgres: etl analytics [local] REFRESH MATERIALIZED VIEW
            999      31880 71.5  9.8 2402232  801148 postgres: parallel worker for PID 31877
            999      31881 70.9  9.7 2402232  792004 postgres: parallel worker for PID 31877
            metabase  1422 41.0 38.6 7001312 3140220 java -jar /opt/metabase/metabase.jar
            999        814  0.3 23.1 2253440 1880412 postgres: checkpointer
            root       611  0.1  0.4  1259904   35120 /usr/bin/dockerd -H fd://
            """),))
    yield mins(40)
    d.note("marek.novak", tid, """
        Metabase JVM runs without -Xmx: default max heap is 1/4 of RAM (2 GB) but metaspace +
        direct buffers push RSS to 3 GB. Add shared_buffers 2 GB + refresh with two parallel
        workers = the 8 GB box is simply too small for this stack. Cap the JVM now, offer XL-16.
        """, priority="urgent")
    yield mins(5)
    d.reply("marek.novak", tid, """
        Thanks, the snapshot is exactly what we needed. At 02:36 you have the refresh (3 GB
        plus two parallel workers at 0.8 GB each), Metabase at 3.1 GB and PostgreSQL's shared
        memory: more than the 8 GB the VPS has.

        Short term, cap Metabase's heap: in its systemd unit set

            Environment="JAVA_OPTS=-Xmx1536m -XX:MaxMetaspaceSize=256m"

        and restart it. Longer term this workload (a 14 GB view refreshed nightly plus a BI tool
        on the same box) would be comfortable on 16 GB. I can have Billing quote an upgrade to
        VPS XL-16; it takes about five minutes of downtime.

        Marek
        """)
    yield hours(3)
    d.say(tid, """
        Capped the heap. Yes please, what would XL-16 cost? And could you do it early in the
        morning, before anybody looks at the dashboards?
        """)
    yield mins(30)
    d.unlock("marek.novak", tid)
    d.assign("marek.novak", tid, department="Billing")
    yield hours(1) + mins(10)
    d.reply("priya.nair", tid, """
        Hello Dmitri,

        VPS L-8 costs EUR 38.00 a month and XL-16 EUR 64.00, so EUR 26.00 a month more. For the
        12 days left in your current billing period the difference is EUR 10.40. Shall I go
        ahead? The charge will show on this ticket.

        Best regards,
        Priya Nair
        Billing
        """)
    yield hours(2)
    upgrade_at = (d.now + days(2)).replace(hour=6, minute=0, second=0, microsecond=0)
    when = f"{upgrade_at:%A} at 07:00 CET"
    d.say(tid, f"Yes, go ahead. {when} works for us.")
    yield mins(45)
    d.ok("priya.nair", tid, f"""
        Done: EUR 10.40 has been charged to your account balance. Marek's team will do the
        upgrade on {when}.

        Priya
        """, charge="10.40")
    yield mins(30)
    d.take("marek.novak", tid)
    d.assign("marek.novak", tid, department="Technical support")
    d.note("marek.novak", tid, f"""
        Scheduled: {upgrade_at:%a %d %b} 06:00 UTC, resize pg-analytics-01 to XL-16 on kvm-fra-14
        (enough room, no migration needed), then reboot.
        """, priority="high")
    yield upgrade_at + mins(9) - d.now
    d.reply("marek.novak", tid, """
        Good morning Dmitri,

        the upgrade is done: pg-analytics-01 now has 16 GB of RAM and 6 vCPUs. Downtime was
        4 minutes 12 seconds. Please check that PostgreSQL and Metabase came back; `free -m`
        should show about 15,900 MB total.

        Marek
        """)
    yield hours(1) + mins(20)
    d.say(tid, "All up, free -m shows 15972 total. Thank you!")
    yield mins(40)
    d.reply("marek.novak", tid, """
        With 16 GB you can raise shared_buffers to 4GB and effective_cache_size to 11GB. Keep
        work_mem at 32MB globally (256MB only for the ETL role). I'll keep the ticket open for
        a few nights to be sure.

        Marek
        """)
    yield days(2) + hours(3)
    d.say(tid, """
        Bad news of a different kind: the refresh failed tonight with

            ERROR:  could not resize shared memory segment "/PostgreSQL.1864286324" to
            67128672 bytes: No space left on device

        The disk has 180 GB free, so I don't understand "no space". We run PostgreSQL in Docker
        (postgres:16), if that matters.
        """)
    yield mins(55)
    d.reply("marek.novak", tid, """
        It matters, and it's a classic. That "device" is not your disk but /dev/shm inside the
        container: Docker gives containers only 64 MB of it by default, and PostgreSQL's
        parallel workers exchange their data there. Now that the refresh gets more parallel
        workers on the bigger VPS, it runs out of those 64 MB.

        In docker-compose.yml:

            services:
              db:
                image: postgres:16
                shm_size: 1g

        then `docker compose up -d db`.

        Marek
        """)
    yield hours(4)
    d.say(tid, """
        Added shm_size and recreated the container. The refresh ran fine: 11 minutes, it used
        to take 25 before all this 🎉
        """)
    yield hours(1)
    d.reply("marek.novak", tid, """
        Excellent, that's the result I hoped for. I'll look at the graphs again in a few days.

        Marek
        """)
    yield days(2) + hours(6)
    d.say(tid, """
        One more thing, maybe related: Metabase now logs warnings like

            WARN  HikariPool-1 - Connection is not available, request timed out after 30000ms.

        a few times per hour during working hours.
        """)
    yield mins(35)
    d.note("marek.novak", tid, """
        Probably max_connections = 60 (from Sofia's first round) vs. Metabase's pool of 15 plus
        the ETL's leftovers. Asking for pg_stat_activity.
        """)
    d.reply("marek.novak", tid, """
        Possibly the lower max_connections from the first round. Could you run this during
        working hours and paste the result?

            SELECT usename, state, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;

        Marek
        """)
    yield hours(2) + mins(30)
    d.say(tid, """
        Here it is:

             usename  |        state        | count
            ----------+---------------------+-------
             metabase | idle                |    41
             etl      | idle in transaction |    12
             metabase | active              |     3
             postgres | active              |     1
        """)
    yield mins(50)
    d.reply("marek.novak", tid, """
        There it is: twelve ETL sessions sit "idle in transaction". They keep their connections
        (and their locks) until someone ends them, so Metabase finds no free slot. Something in
        your ETL opens a transaction and never commits when a step fails. Until that's fixed,
        let PostgreSQL end such sessions for that role:

            ALTER ROLE etl SET idle_in_transaction_session_timeout = '5min';

        and give Metabase a smaller pool (MB_APPLICATION_DB_MAX_CONNECTION_POOL_SIZE=10).
        Let me know how it looks tomorrow.

        Marek
        """)
    d.summary("marek.novak", tid,
              "Nightly OOM kills on pg-analytics-01: work_mem too high, pg_dump -j 4 at the same "
              "time, uncapped Metabase JVM. Upgraded to XL-16 (EUR 10.40 charged), Docker shm_size "
              "raised to 1g. Open: idle-in-transaction ETL sessions exhausting connections.")
