"""Helpers every app's pages share (HackSoft-Example's `common/`). Not a Django app: it imports
Django only and no app of Samsyn, so every app may import it without a cycle. (They lived in
`core`, whose start page reads the children and the SIPs: a page helper there made `core`
and every app with a form depend on each other.)"""
