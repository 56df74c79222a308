"""The Billing conversations about invoices, refunds and payments."""

from __future__ import annotations

from datetime import timedelta

from .clock import days, hours, mins
from .desk import Desk
from .files import pdf_file
from .people import ADMIN

# Each script is a ticket's life: d.open / d.say are the client; d.reply / d.ok / d.note ... are
# staff (by login). `yield` waits before the next step.


def t_vat_id(d: Desk):
    tid = d.open("kwame", "Billing", "Please add our VAT ID to invoices",
                 """
                 Good morning,

                 our accountant noticed that the last invoices don't show our VAT ID. Could you
                 add GB 123 4567 89 to the billing profile and reissue last month's invoice?

                 Kind regards,
                 Kwame Mensah
                 Mensah Consulting
                 """, priority="low")
    yield hours(2) + mins(14)
    d.ok("priya.nair", tid, """
        Good morning Kwame,

        the VAT ID is now in your billing profile and will be printed on every invoice. I have
        reissued last month's invoice with it; you'll find it attached (the amounts are
        unchanged).

        Best regards,
        Priya Nair
        Billing
        """, files=(pdf_file("invoice-INV-20417-reissued.pdf", [
            "Example Hosting Ltd - INVOICE INV-20417 (reissued)",
            "Bill to: Mensah Consulting, Kwame Mensah",
            "VAT ID: GB 123 4567 89",
            "",
            "Starter hosting (mensah-consulting.example)    1 month    EUR 6.90",
            "Domain renewal mensah-consulting.example       1 year     EUR 12.00",
            "Domain renewal mensah-old.example              1 year     EUR 12.00",
            "",
            "Subtotal EUR 30.90   VAT 20% EUR 6.18   Total EUR 37.08",
            "Paid by bank transfer. Thank you for your business.",
        ]),))
    yield hours(5)
    d.read(tid)
    yield days(1) + hours(2)
    d.archive(tid)


def t_invoice_pdf(d: Desk):
    tid = d.open("kwame", "Billing", "Invoice PDF does not open",
                 """
                 Hello,

                 the PDF of invoice INV-20988 can't be opened: Adobe Reader says "the file is
                 damaged and could not be repaired". The other invoices open fine.

                 Kwame
                 """, priority="normal")
    yield hours(3) + mins(20)
    d.ok("priya.nair", tid, """
        Hello Kwame,

        sorry about that: that invoice was generated during a short outage of our PDF service
        and got cut off. I have generated it again and attached it here; it is also in the
        control panel under Billing > Invoices.

        Best regards,
        Priya Nair
        Billing
        """, files=(pdf_file("invoice-INV-20988.pdf", [
            "Example Hosting Ltd - INVOICE INV-20988",
            "Bill to: Mensah Consulting, Kwame Mensah - VAT ID GB 123 4567 89",
            "",
            "Starter hosting (mensah-consulting.example)    1 month    EUR 6.90",
            "",
            "Subtotal EUR 6.90   VAT 20% EUR 1.38   Total EUR 8.28",
            "Due within 14 days. Bank: IBAN GB00 EXMP 0000 0000 0000 00",
        ]),))
    yield hours(1)
    d.read(tid)
    yield days(1)
    d.archive(tid)


def t_refund_dispute(d: Desk):
    tid = d.open("pablo", "Billing", "Refund for the backup add-on I cancelled",
                 """
                 Dear Sir or Madam,

                 on the 2nd of last month I cancelled the "Premium backup" add-on (EUR 9.00 per
                 month) in the control panel. Your invoice INV-20811 nevertheless charges it again
                 for this month. I request a refund of EUR 9.00 and an explanation.

                 Yours faithfully,
                 Pablo Herrera
                 Herrera Legal
                 """, service="pablo-hosting", priority="high")
    yield hours(2) + mins(5)
    d.reply("priya.nair", tid, """
        Dear Mr Herrera,

        thank you for your message. I've checked your account: the add-on was still active on
        the invoice date, and our records show no cancellation request. Could you tell me how
        you cancelled it, or send a screenshot of the confirmation?

        Kind regards,
        Priya Nair
        Billing
        """)
    yield hours(5)
    d.say(tid, """
        I cancelled it under Services > Add-ons > Premium backup > "Cancel at end of term". A
        confirmation appeared on screen. I did not take a screenshot; I should not need one.
        """)
    yield mins(40)
    d.note("priya.nair", tid, """
        Panel audit log: "cancel_addon" clicked at 14:02 on the 2nd, then "Undo" at 14:02:09.
        He probably clicked Undo without noticing (the toast puts it where "Close" usually is).
        Technically the add-on was active. He disputed an invoice in the spring too.
        """)
    yield hours(1)
    d.reply("priya.nair", tid, """
        Dear Mr Herrera,

        our audit log shows that the cancellation was made on the 2nd at 14:02 and undone
        nine seconds later with the "Undo" button that appears after cancelling. That is why
        the add-on stayed active and was invoiced. The backups were also made all month.

        I understand that this is frustrating. As the service was provided, I can't refund it
        myself, but I have asked my manager to review the case.

        Kind regards,
        Priya
        """)
    yield hours(3)
    d.say(tid, """
        I certainly did not press any "Undo". If your interface places such a button where one
        expects to close a message, that is your design problem, not my error. I expect the
        refund.
        """)
    yield mins(35)
    d.note("priya.nair", tid, "Escalating to Dana: goodwill credit? EUR 9.00, long-standing client.")
    yield hours(16)
    d.look(ADMIN, tid)
    d.favorite(ADMIN, tid)
    yield mins(20)
    d.take(ADMIN, tid, force=True)
    d.note(ADMIN, tid, """
        Agree with Pablo on the UX point: the Undo toast sits exactly where the close button of
        every other notification is. Filed UX-482. Goodwill credit approved.
        """)
    yield mins(5)
    d.ok(ADMIN, tid, """
        Dear Mr Herrera,

        I'm Dana Whitfield, head of customer operations. I have reviewed your case. The log
        shows the cancellation was undone, but I agree that the position of the "Undo" button
        invites exactly this mistake; we are changing it.

        As a goodwill gesture we will credit EUR 9.00 to your account, and the Premium backup
        add-on is now cancelled as of today (you will not be invoiced for it again). The credit
        note will be on your next invoice.

        Yours sincerely,
        Dana Whitfield
        """)
    yield hours(5)
    d.read(tid)


def t_two_charges(d: Desk):
    tid = d.open("harriet", "Billing", "Two payments taken from my card this month?",
                 """
                 Hello,

                 my bank statement shows two payments to you this month, EUR 14.90 and EUR 24.90.
                 Normally it's only one. Have I been charged twice?

                 Harriet Cole
                 """, priority="normal")
    yield hours(2) + mins(10)
    d.ok("tom.becker", tid, """
        Hello Harriet,

        no, nothing was charged twice: the EUR 24.90 is your monthly Business hosting, and the
        EUR 14.90 is the yearly renewal of your domain colesbakery.example, which happens to
        fall in the same month. You'll find both invoices in the control panel under Billing >
        Invoices.

        Best regards,
        Tom Becker
        Billing
        """)
    yield hours(5)
    d.read(tid)


def t_cleanup_installments(d: Desk):
    tid = d.open("lucas", "Billing", "Can I pay the cleanup fee in two parts?",
                 """
                 Hi,

                 it's a tight month for me. Could I pay the EUR 49.00 for the site cleanup in two
                 parts, now and next month?

                 Lucas Moreau
                 """, priority="low")
    yield hours(3)
    d.ok("priya.nair", tid, """
        Hi Lucas,

        of course. I've split it: EUR 24.50 now and EUR 24.50 on next month's invoice. No
        fees for that.

        Best regards,
        Priya Nair
        Billing
        """)
    yield hours(4)
    d.read(tid)


def t_wrong_amount(d: Desk):
    tid = d.open("greta", "Billing", "Invoice charged the Business plan instead of Starter",
                 """
                 Hello,

                 my latest invoice charges "Business hosting" (EUR 24.90) but I only have Starter
                 (EUR 6.90). Can you correct it?

                 Greta
                 """, priority="normal")
    yield hours(1) + mins(45)
    result = d.reply("tom.becker", tid, """
        Hello Greta,

        you're right, sorry for that: the plan change from your trial was recorded wrongly. I
        have issued a credit note of EUR 12.90, which will be deducted from your next invoice.

        Best regards,
        Tom Becker
        Billing
        """)
    yield mins(6)
    d.edit("tom.becker", result.reply_id, """
        Hello Greta,

        you're right, sorry for that: the plan change from your trial was recorded wrongly. I
        have issued a credit note of EUR 18.00 (EUR 24.90 charged minus EUR 6.90 for Starter),
        which will be deducted from your next invoice.

        Best regards,
        Tom Becker
        Billing
        """)
    yield mins(2)
    d.ok("tom.becker", tid, """
        Here is the credit note for your records.

        Tom
        """, files=(pdf_file("credit-note-CN-3307.pdf", [
        "Example Hosting Ltd - CREDIT NOTE CN-3307",
        "For: Greta Svensson (nordicyarn.example)",
        "",
        "Correction of invoice INV-21044: Business hosting charged instead of Starter",
        "Business hosting  EUR 24.90  -  Starter hosting  EUR 6.90",
        "",
        "Credit: EUR 18.00 (deducted from the next invoice)",
    ]),), internal="Corrected the amount in my reply (first said 12.90). Credit note attached.")


def t_invoice_address(d: Desk):
    tid = d.open("ruth", "Billing", "New invoice address",
                 """
                 Hello,

                 we've moved the bookshop. Please send invoices to: Adeyemi Books, 4 Canal Street,
                 Leeds LS1 4AB, from now on.

                 Ruth
                 """, priority="low")
    yield hours(2) + mins(40)
    d.ok("tom.becker", tid, """
        Hello Ruth,

        the billing address is updated; your next invoice will show Adeyemi Books, 4 Canal
        Street, Leeds LS1 4AB. Good luck in the new shop!

        Tom Becker
        Billing
        """)
    yield hours(9)
    d.read(tid)


def t_card_update(d: Desk):
    d.open("kwame", "Billing", "Credit card update fails with error 3DS-402",
           """
           Hello,

           I'm trying to add our new company card in Billing > Payment methods and every time
           I get "Authentication failed (3DS-402)". The bank says they see no attempt at all.

           Kwame Mensah
           """, priority="normal")
    yield timedelta(0)
