"""Rules: the administrators' screen for the response rules (issue 19): the rules in order,
add (a form), remove (a confirmation), move up and down.

May import modals/, widgets/, runtime/ and store/; never the other rooms (queue/, ticket/,
client/, reports/): the list opens it through the app."""
