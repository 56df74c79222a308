"""Reports: the desk's figures for a period, tables and charts (issue 19).

May import modals/, widgets/, runtime/ and store/; never the other rooms (queue/, ticket/,
client/): the list opens it through the app."""
