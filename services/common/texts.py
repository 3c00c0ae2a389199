"""Every text a page shows, in Polish and English: the one catalogue (templates name keys only).

Polish is the default; a person's choice of English is kept in a cookie. ``{name}`` fields are
filled by ``text(..., name=...)``.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("pl", "en")
DEFAULT: Final = "pl"

TEXTS: Final[dict[str, tuple[str, str]]] = {
    "app.tagline": ("Wyniki głosowania w obwodach", "Precinct results"),
    "lang.switch": ("English", "Polski"),
    "lang.other": ("en", "pl"),
    "nav.home": ("Strona główna", "Home"),
    "nav.logout": ("Wyloguj", "Log out"),
    "nav.logout_all": ("Wyloguj wszędzie", "Log out everywhere"),
    "login.title": ("Logowanie", "Log in"),
    "login.login": ("Login", "Login"),
    "login.password": ("Hasło", "Password"),
    "login.totp": ("Kod z aplikacji (6 cyfr)", "Code from the app (6 digits)"),
    "login.submit": ("Zaloguj", "Log in"),
    "login.failed": ("Nieprawidłowy login, hasło lub kod.", "Wrong login, password or code."),
    "login.throttled": (
        "Zbyt wiele prób. Spróbuj ponownie za {seconds} s.",
        "Too many attempts. Try again in {seconds} s.",
    ),
    "login.locked": (
        "Konto zablokowane po nieudanych próbach; koordynator może je odblokować.",
        "The account is locked after failed attempts; a coordinator can unlock it.",
    ),
    "login.activate_link": ("Mam kod aktywacyjny z karty", "I have an activation code from a slip"),
    "activate.title": ("Aktywacja konta", "Activate your account"),
    "activate.code": ("Kod aktywacyjny z karty", "Activation code from the slip"),
    "activate.password": (
        "Nowe hasło (co najmniej 12 znaków)",
        "New password (12 characters or more)",
    ),
    "activate.submit": ("Aktywuj", "Activate"),
    "activate.failed": ("Aktywacja nieudana: {reason}", "Activation failed: {reason}"),
    "enrol.title": ("Aplikacja z kodami", "The code app"),
    "enrol.scan": (
        "Zeskanuj kod QR aplikacją uwierzytelniającą (np. Aegis, FreeOTP) albo wpisz sekret:",
        "Scan the QR code with an authenticator app (e.g. Aegis, FreeOTP) or type the secret:",
    ),
    "enrol.confirm": (
        "Wpisz pierwszy kod z aplikacji, aby się zalogować:",
        "Type the first code from the app to log in:",
    ),
    "home.title": ("Twoje obwody", "Your precincts"),
    "home.gmina": ("Gmina {gmina}", "Gmina {gmina}"),
    "home.none": ("Brak przypisanych obwodów.", "No precincts assigned."),
    "home.precinct": ("Obwód nr {number}", "Precinct {number}"),
    "home.round": ("tura {round}", "round {round}"),
    "contest.council": ("Rada gminy", "Gmina council"),
    "contest.mayor": ("Wójt / burmistrz / prezydent miasta", "Mayor (wójt, burmistrz, prezydent)"),
    "contest.county-council": ("Rada powiatu", "County council"),
    "contest.regional-assembly": ("Sejmik województwa", "Regional assembly"),
    "contest.president": ("Prezydent RP", "President of Poland"),
    "contest.senate": ("Senat", "Senate"),
    "home.district": ("okręg nr {number}", "district {number}"),
    "home.turnout": ("Frekwencja", "Turnout"),
    "state.none": ("brak protokołu", "nothing yet"),
    "state.accepted": ("przyjęty", "accepted"),
    "state.awaiting-approval": ("czeka na zatwierdzenie", "awaiting approval"),
    "state.confirmed": ("potwierdzony", "confirmed"),
    "state.rejected": ("odrzucony", "rejected"),
    "protocol.title": ("Protokół głosowania w obwodzie", "Precinct voting protocol"),
    "protocol.point": ("pkt", "pt"),
    "protocol.candidates": ("Głosy na kandydatów", "Votes per candidate"),
    "protocol.list": ("Lista nr {number}: {name}", "List {number}: {name}"),
    "protocol.list_total": ("Razem na listę", "List total"),
    "protocol.yes": ("Głosy TAK", "YES votes"),
    "protocol.no": ("Głosy NIE", "NO votes"),
    "protocol.explain": ("Wyjaśnienie komisji", "The commission's explanation"),
    "protocol.send": ("Wyślij protokół", "Send the protocol"),
    "protocol.correct": ("Wyślij korektę", "Send the correction"),
    "protocol.changed": ("Zmienione liczby", "Changed numbers"),
    "protocol.reason": ("Powód korekty", "Reason for the correction"),
    "protocol.sent": ("Protokół przyjęty", "Protocol accepted"),
    "protocol.code": (
        "Kod kontrolny do przepisania na papierowy protokół:",
        "Control code to copy onto the paper protocol:",
    ),
    "protocol.version": ("wersja {version}", "version {version}"),
    "protocol.refused": ("Protokół nie został przyjęty:", "The protocol was not accepted:"),
    "protocol.current": ("Stan: {state}", "State: {state}"),
    "protocol.checking": ("Sprawdzanie…", "Checking…"),
    "protocol.clean": ("Bez uwag.", "No findings."),
    "protocol.saved_locally": (
        "Wpisane liczby są zapisane w tej przeglądarce do wysłania.",
        "What you typed is kept in this browser until it is sent.",
    ),
    "turnout.title": ("Frekwencja o godz. {hour}", "Turnout at {hour}"),
    "turnout.eligible": ("Liczba wyborców uprawnionych", "Eligible voters"),
    "turnout.issued": ("Liczba wydanych kart", "Ballots issued"),
    "turnout.send": ("Wyślij meldunek", "Send the report"),
    "turnout.sent": ("Meldunek przyjęty", "Report accepted"),
    "error.forbidden": ("Brak uprawnień do tej strony.", "You may not open this page."),
    "error.csrf": (
        "Formularz wygasł; otwórz stronę ponownie.",
        "The form expired; open the page again.",
    ),
    "error.unavailable": (
        "Serwer chwilowo niedostępny; spróbuj za chwilę.",
        "The server is unavailable for a moment; try again shortly.",
    ),
    "error.not_found": ("Nie ma takiej strony.", "No such page."),
    "firstrun.title": ("Pierwsze uruchomienie", "First run"),
    "firstrun.body": (
        "Nie ma jeszcze administratora. Utwórz go poleceniem:",
        "There is no administrator yet. Create one with:",
    ),
    "field.eligible_voters": (
        "Liczba wyborców uprawnionych do głosowania",
        "Voters eligible to vote",
    ),
    "field.eligible_voters_eu": ("w tym obywatele UE", "of whom EU citizens"),
    "field.ballots_received": (
        "Liczba kart do głosowania otrzymanych przez komisję",
        "Ballots the commission received",
    ),
    "field.ballots_unused": ("Liczba niewykorzystanych kart do głosowania", "Ballots not used"),
    "field.ballots_issued": (
        "Liczba wyborców, którym wydano karty do głosowania",
        "Voters given a ballot",
    ),
    "field.ballots_issued_eu": ("w tym obywatelom UE", "of whom EU citizens"),
    "field.proxy": ("Liczba wyborców głosujących przez pełnomocnika", "Voters voting by proxy"),
    "field.certificate": (
        "Liczba wyborców głosujących na podstawie zaświadczenia",
        "Voters voting with a certificate",
    ),
    "field.packages_sent": (
        "Liczba wyborców, którym wysłano pakiety wyborcze",
        "Voters sent a postal package",
    ),
    "field.ballots_issued_total": (
        "Liczba wyborców, którym wydano karty, łącznie z pakietami",
        "Voters given a ballot, postal included",
    ),
    "field.envelopes_received": (
        "Liczba otrzymanych kopert zwrotnych",
        "Return envelopes received",
    ),
    "field.envelopes_no_statement": ("w tym bez oświadczenia", "of which without the statement"),
    "field.envelopes_unsigned_statement": (
        "w tym z niepodpisanym oświadczeniem",
        "of which with an unsigned statement",
    ),
    "field.envelopes_no_ballot_envelope": (
        "w tym bez koperty na kartę",
        "of which without a ballot envelope",
    ),
    "field.envelopes_unsealed": (
        "w tym z niezaklejoną kopertą na kartę",
        "of which with an unsealed ballot envelope",
    ),
    "field.ballot_envelopes_in_box": (
        "Liczba kopert na kartę wrzuconych do urny",
        "Ballot envelopes put in the box",
    ),
    "field.ballots_from_box": ("Liczba kart wyjętych z urny", "Ballots taken from the box"),
    "field.ballots_from_envelopes": ("w tym z kopert na kartę", "of which from ballot envelopes"),
    "field.invalid_ballots": ("Liczba kart nieważnych", "Invalid ballots"),
    "field.valid_ballots": ("Liczba kart ważnych", "Valid ballots"),
    "field.invalid_votes": ("Liczba głosów nieważnych", "Invalid votes"),
    "field.invalid_votes_multiple_marks": (
        "w tym z powodu postawienia znaku X obok więcej niż jednego kandydata",
        "of which X beside more than one candidate",
    ),
    "field.invalid_votes_no_mark": (
        "w tym z powodu niepostawienia znaku X",
        "of which no X at all",
    ),
    "field.invalid_votes_struck_off_only": (
        "w tym z powodu postawienia znaku X wyłącznie obok skreślonego kandydata",
        "of which X only beside a struck-off candidate",
    ),
    "field.valid_votes": ("Liczba głosów ważnych", "Valid votes"),
    # The coordinator's board and a precinct's page.
    "board.title": ("Tablica gminy {gmina}", "Board of gmina {gmina}"),
    "board.link": ("Tablica gminy: {election}", "Gmina board: {election}"),
    "board.round": ("Tura {round}", "Round {round}"),
    "board.as_of": ("Stan na {time}", "As of {time}"),
    "board.live": ("Na żywo", "Live"),
    "board.lost": (
        "Połączenie utracone — stan na {time} (pozycja {position}). Ponawiam…",
        "Connection lost — as of {time} (position {position}). Reconnecting…",
    ),
    "board.filter.state": ("Stan", "State"),
    "board.filter.contest": ("Wybory", "Contest"),
    "board.filter.district": ("Okręg", "District"),
    "board.filter.search": ("Szukaj: nr obwodu lub adres", "Search: precinct number or address"),
    "board.all": ("wszystkie", "all"),
    "board.problems": ("wymagające uwagi", "needing attention"),
    "board.group": ("Obwody {first}-{last}", "Precincts {first}-{last}"),
    "board.group_problems": ("do uwagi: {count}", "to look at: {count}"),
    "board.precinct": ("Obwód", "Precinct"),
    "board.address": ("Adres", "Address"),
    "board.turnout": ("Frekwencja {hour}", "Turnout {hour}"),
    "board.turnout_chart": (
        "Frekwencja (obwody, które przekazały)",
        "Turnout (precincts that reported)",
    ),
    "board.received": ("{done} z {expected}", "{done} of {expected}"),
    "board.due": ("termin {time}", "due {time}"),
    "board.late_by": ("o {duration}", "by {duration}"),
    "board.arrived_late": ("wpłynął {duration} po terminie", "arrived {duration} late"),
    "board.proxy": ("wpis zastępczy", "proxy entry"),
    "board.warnings": ("ostrzeżenia: {count}", "warnings: {count}"),
    "board.none_match": ("Żaden obwód nie spełnia filtrów.", "No precinct matches the filters."),
    "board.missing_link": ("Lista braków", "What is missing"),
    "cell.rejected": ("odrzucony", "rejected"),
    "cell.late": ("spóźniony", "late"),
    "cell.awaiting_approval": ("czeka na zatwierdzenie", "awaiting approval"),
    "cell.corrected": ("poprawiony po potwierdzeniu", "corrected after confirmation"),
    "cell.warnings": ("otwarte ostrzeżenia", "open warnings"),
    "cell.missing": ("brak", "missing"),
    "cell.accepted": ("przyjęty", "accepted"),
    "cell.confirmed": ("potwierdzony", "confirmed"),
    "cell.reported": ("przekazana", "reported"),
    "cell.reported_late": ("przekazana po terminie", "reported late"),
    "precinct.title": ("Obwód nr {number}", "Precinct {number}"),
    "precinct.back": ("Wróć do tablicy", "Back to the board"),
    "precinct.nothing": ("Protokół jeszcze nie wpłynął.", "No protocol yet."),
    "precinct.version": ("Wersja {version}", "Version {version}"),
    "precinct.entered_by": ("wprowadził(a): {who}", "entered by {who}"),
    "precinct.control_code": ("kod kontrolny {code}", "control code {code}"),
    "precinct.changes": ("Zmiany względem poprzedniej wersji", "Changed from the previous version"),
    "precinct.numbers": ("Liczby", "Numbers"),
    "precinct.findings": ("Ustalenia", "Findings"),
    "precinct.explanation": ("Wyjaśnienie komisji", "The commission's explanation"),
    "precinct.withdrew": (
        "Ta wersja wycofała potwierdzenie.",
        "This version withdrew a confirmation.",
    ),
    "precinct.turnout": ("Frekwencja", "Turnout"),
    "action.title": ("Czynności koordynatora", "The coordinator's actions"),
    "action.approve": (
        "Zatwierdź ostrzeżenia (kod kontrolny z wydruku)",
        "Approve the warnings (control code from the printout)",
    ),
    "action.confirm": (
        "Potwierdź zgodność z papierem kodem kontrolnym",
        "Confirm against the paper by its control code",
    ),
    "action.control_code": (
        "Kod kontrolny z podpisanego wydruku",
        "Control code from the signed printout",
    ),
    "action.blind": (
        "Potwierdź ponownym wprowadzeniem (na ślepo)",
        "Confirm by a blind second entry",
    ),
    "action.reject": ("Odrzuć protokół", "Reject the protocol"),
    "action.withdraw": ("Wycofaj potwierdzenie", "Withdraw the confirmation"),
    "action.reason": ("Powód", "Reason"),
    "action.proxy": (
        "Wprowadź w imieniu komisji (wpis zastępczy)",
        "Enter on the commission's behalf (proxy entry)",
    ),
    "action.proxy_correct": (
        "Wprowadź korektę w imieniu komisji",
        "Enter a correction on the commission's behalf",
    ),
    "action.done": ("Zapisano: {what}.", "Recorded: {what}."),
    "action.refused": ("Nie wykonano:", "Not done:"),
    "blind.title": ("Ponowne wprowadzenie na ślepo", "Blind second entry"),
    "blind.hint": (
        "Wpisz liczby z podpisanego protokołu. Zapisane liczby nie są pokazywane.",
        "Type the numbers from the signed protocol. The stored numbers are not shown.",
    ),
    "blind.send": ("Porównaj i potwierdź", "Compare and confirm"),
    "blind.differs": (
        "Liczby różnią się od zapisanej wersji — protokół NIE jest potwierdzony:",
        "The numbers differ from the stored version — the protocol is NOT confirmed:",
    ),
    "proxy.banner": (
        "Wpis w imieniu komisji: oznaczony jako zastępczy w protokole, na tablicy i w dzienniku.",
        "Entry on the commission's behalf: marked as proxy entry everywhere, the trail included.",
    ),
    "number.candidate": ("kandydat nr {position}", "candidate {position}"),
    "number.list": ("lista nr {number}: razem", "list {number}: total"),
    "number.list_candidate": (
        "lista nr {number}, kandydat nr {position}",
        "list {number}, candidate {position}",
    ),
    "alerts.title": ("Alerty gminy {gmina}", "Alerts of gmina {gmina}"),
    "alerts.link": ("Alerty", "Alerts"),
    "alerts.print_link": ("Lista do przekazania przewodniczącym", "List for the chairs"),
    "alerts.print_title": (
        "Ostrzeżenia i rozbieżności do przekazania przewodniczącym komisji",
        "Warnings and discrepancies to signal to the commission chairs",
    ),
    "alerts.none": ("Brak alertów w tym stanie.", "No alerts in this state."),
    "alerts.state.open": ("otwarte", "open"),
    "alerts.state.acknowledged": ("przyjęte do wiadomości", "acknowledged"),
    "alerts.state.closed": ("zamknięte", "closed"),
    "alerts.state.all": ("wszystkie", "all"),
    "alerts.severity.critical": ("krytyczne", "critical"),
    "alerts.severity.warning": ("ostrzeżenia", "warnings"),
    "alerts.severity.info": ("informacje", "information"),
    "alerts.note": ("Notatka (co zrobiono)", "Note (what was done)"),
    "alerts.acknowledge": ("Przyjmij do wiadomości", "Acknowledge"),
    "alerts.noted": ("Notatka: {note}", "Note: {note}"),
    "alerts.events": ("zdarzenia {events}", "events {events}"),
    "alerts.whole_gmina": ("cała gmina", "the whole gmina"),
    "alerts.as_of": ("stan dziennika: pozycja {position}", "as of log position {position}"),
    "alerts.print": ("Drukuj", "Print"),
    "kind.hard-warning": ("ostrzeżenie twarde do zatwierdzenia", "hard warning to approve"),
    "kind.warning-accepted": (
        "ostrzeżenie wyjaśnione przez komisję",
        "warning explained by the commission",
    ),
    "kind.corrected-after-confirmation": (
        "korekta po potwierdzeniu",
        "corrected after confirmation",
    ),
    "kind.implausible-number": ("liczba poza rozsądnym zakresem", "number out of plausible range"),
    "kind.issued-below-turnout": (
        "wydane karty poniżej frekwencji",
        "ballots issued below the turnout report",
    ),
    "kind.turnout-over-100": ("frekwencja ponad 100%", "turnout over 100%"),
    "kind.ballot-stock": ("zapas kart", "ballot stock"),
    "kind.issued-differs": (
        "różne liczby wydanych kart w wyborach jednego dnia",
        "ballots issued differ between the day's contests",
    ),
    "kind.outlier": ("wynik odstający od innych obwodów gminy", "outlier against the gmina"),
    "kind.runoff-swap": ("możliwa zamiana kandydatów w II turze", "possible runoff swap"),
    "audit.title": ("Dziennik zdarzeń", "Audit trail"),
    "audit.link": ("Dziennik zdarzeń", "Audit trail"),
    "audit.gmina": ("Gmina (TERYT)", "Gmina (TERYT)"),
    "audit.precinct": ("Obwód", "Precinct"),
    "audit.actor": ("Kto (np. account:koordynator)", "Who (e.g. account:koordynator)"),
    "audit.since": ("Od (UTC, np. 2026-04-12T19:00)", "From (UTC, e.g. 2026-04-12T19:00)"),
    "audit.until": ("Do (UTC)", "Until (UTC)"),
    "audit.filter": ("Filtruj", "Filter"),
    "audit.seq": ("Nr", "Seq"),
    "audit.time": ("Czas (UTC)", "Time (UTC)"),
    "audit.who": ("Kto", "Who"),
    "audit.event": ("Zdarzenie", "Event"),
    "audit.where": ("Gdzie", "Where"),
    "audit.changes": ("Co się zmieniło", "What changed"),
    "audit.more": ("Następne zdarzenia", "Next events"),
    "audit.none": ("Brak zdarzeń spełniających filtry.", "No event matches the filters."),
    "audit.download": (
        "Pobierz cały dziennik (JSON lines, jak tally audit export)",
        "Download the whole log (JSON lines, as tally audit export)",
    ),
    "audit.verified_ok": (
        (
            "Ostatnia weryfikacja dziennika ({at}, {actor}): do pozycji {up_to} bez zastrzeżeń; "
            "przeliczone wyniki: {results}."
        ),
        (
            "Last verification of the log ({at}, {actor}): up to position {up_to}, no problem; "
            "results recomputed: {results}."
        ),
    ),
    "audit.verified_problems": (
        (
            "Ostatnia weryfikacja dziennika ({at}, {actor}) do pozycji {up_to}: {problems} "
            "problem(ów)."
        ),
        (
            "Last verification of the log ({at}, {actor}) up to position {up_to}: {problems} "
            "problem(s)."
        ),
    ),
    "audit.never_verified": (
        "Dziennika nie zweryfikowano jeszcze (tally audit verify).",
        "The log has not been verified yet (tally audit verify).",
    ),
    "audit.previous_hash": ("skrót poprzedniego zdarzenia", "hash of the previous event"),
    "results.title": ("Wyniki gminy {gmina}", "Results of gmina {gmina}"),
    "results.link": ("Wyniki", "Results"),
    "results.provisional": ("wstępny (niepotwierdzony)", "provisional (not established)"),
    "results.established": ("ustalony", "established"),
    "results.reopened": ("ponownie otwarty", "reopened"),
    "results.counted": ("Protokoły: {counted} z {expected}", "Protocols: {counted} of {expected}"),
    "results.as_of": ("stan dziennika: pozycja {position}", "as of log position {position}"),
    "results.district": ("Okręg nr {number}: {seats} mandatów", "District {number}: {seats} seats"),
    "results.name": ("Kandydat / lista", "Candidate / list"),
    "results.votes": ("Głosy", "Votes"),
    "results.seats": ("Mandaty", "Seats"),
    "results.to_gain": ("brakuje do mandatu", "votes to gain a seat"),
    "results.to_lose": ("zapas do utraty mandatu", "votes to lose a seat"),
    "results.below": ("poniżej progu", "below the threshold"),
    "results.elected": ("Wybrani", "Elected"),
    "results.decision.elected": ("wybrany: {name}", "elected: {name}"),
    "results.decision.runoff": ("ponowne głosowanie: {names}", "runoff: {names}"),
    "results.decision.council_elects": ("wyboru dokona rada", "the council elects"),
    "results.decision.lot": ("rozstrzyga losowanie", "a lot decides"),
    "results.lot": ("Losowanie: {among} ({places} miejsc)", "Lot: {among} ({places} places)"),
    "results.drawn": ("Wylosowani", "Drawn"),
    "results.drawn_by": ("Losował(a)", "Drawn by"),
    "results.record_lot": ("Zapisz wynik losowania", "Record the draw"),
    "results.establish": ("Ustal wynik", "Establish the result"),
    "results.establish_reason": (
        "Powód (gdy nie wszystkie protokoły są potwierdzone)",
        "Reason (when not every protocol is confirmed)",
    ),
    "results.reopen": ("Otwórz ponownie", "Reopen"),
    "results.unofficial": (
        "NIEOFICJALNE — wynik nie został ustalony",
        "UNOFFICIAL — the result is not established",
    ),
    "results.not_supported": ("Wyniki tych wyborów ustala PKW.", "PKW establishes this result."),
    "role.operator": ("operator", "operator"),
    "role.coordinator": ("koordynator gminny", "gmina coordinator"),
    "role.admin": ("administrator", "administrator"),
    "role.auditor": ("audytor", "auditor"),
    "operators.link": ("Operatorzy", "Operators"),
    "operators.title": ("Operatorzy gminy {gmina}", "Operators of gmina {gmina}"),
    "operators.as_of": (
        "stan rejestru kont: pozycja {position}",
        "as of accounts log position {position}",
    ),
    "operators.lock.too many failed attempts": (
        "zbyt wiele nieudanych prób logowania",
        "too many failed attempts",
    ),
    "operators.login": ("Login", "Login"),
    "operators.name": ("Imię i nazwisko", "Name"),
    "operators.role": ("Rola", "Role"),
    "operators.precincts": ("Obwody", "Precincts"),
    "operators.status": ("Stan konta", "Account"),
    "operators.status.pending-activation": ("czeka na aktywację", "awaiting activation"),
    "operators.status.active": ("aktywne", "active"),
    "operators.status.locked": ("zablokowane", "locked"),
    "operators.code_until": ("kod ważny do {until}", "code valid until {until}"),
    "operators.locked_since": ("od {at}", "since {at}"),
    "operators.last_login": ("Ostatnie logowanie", "Last login"),
    "operators.never": ("nigdy", "never"),
    "operators.actions": ("Działania", "Actions"),
    "operators.reset": ("Nowy kod aktywacyjny", "New activation code"),
    "operators.unlock": ("Odblokuj", "Unlock"),
    "operators.none": ("Brak kont w tej gminie.", "No accounts in this gmina."),
    "operators.create": ("Nowy operator", "New operator"),
    "operators.create_button": (
        "Utwórz konto i kartę aktywacji",
        "Create the account and its activation slip",
    ),
    "operators.known": ("Obwody gminy: {numbers}", "The gmina's precincts: {numbers}"),
    "slip.title": ("Karta aktywacji konta w systemie Tally", "Tally account activation slip"),
    "slip.once": (
        "Kod aktywacyjny jest pokazany tylko teraz: wydrukuj kartę i przekaż ją osobiście.",
        "The activation code is shown only now: print the slip and hand it over in person.",
    ),
    "slip.gmina": ("Gmina (TERYT)", "Gmina (TERYT)"),
    "slip.code": ("Jednorazowy kod aktywacyjny", "One-time activation code"),
    "slip.until": ("Ważny do", "Valid until"),
    "slip.where": ("Adres strony aktywacji", "Activation page"),
    "slip.step1": (
        "Otwórz stronę aktywacji, wpisz login i kod z tej karty.",
        "Open the activation page, type the login and the code from this slip.",
    ),
    "slip.step2": (
        "Ustal hasło (co najmniej 12 znaków) i dodaj konto w aplikacji uwierzytelniającej.",
        "Choose a password (12 characters or more) and add the account to an authenticator app.",
    ),
    "slip.step3": (
        "Zaloguj się hasłem i kodem z aplikacji.",
        "Log in with the password and a code from the app.",
    ),
    "slip.keep": (
        (
            "Kod działa raz. Po aktywacji kartę zniszcz; zgubioną zgłoś koordynatorowi (nowy kod "
            "unieważnia poprzedni)."
        ),
        (
            "The code works once. Destroy the slip after activation; report a lost one to the "
            "coordinator (a new code voids the old one)."
        ),
    ),
    "public.title": ("Wyniki głosowania: {name}", "Election results: {name}"),
    "public.not_yet": (
        "Wyniki będą pokazywane po zamknięciu lokali wyborczych ({closes}).",
        "Results are shown once the polls close ({closes}).",
    ),
    "public.no_schedule": ("Wyniki nie są jeszcze dostępne.", "No results yet."),
    "public.as_of": ("Stan na {time}", "As of {time}"),
    "public.progress": ("Spływ protokołów", "Protocols received"),
    "public.received": ("{received} z {expected}", "{received} of {expected}"),
    "public.unofficial": (
        "WYNIKI NIEOFICJALNE — z protokołów przyjętych do tej pory; wynik ustala komisja.",
        (
            "UNOFFICIAL RESULTS — from the protocols received so far; the commission establishes "
            "the result."
        ),
    ),
    "public.established": (
        "Wynik ustalony przez komisję.",
        "Result established by the commission.",
    ),
    "public.if_final": ("gdyby liczenie skończyło się teraz", "if counting ended now"),
    "public.no_result": ("Wynik niedostępny w tej chwili.", "The result is not available now."),
    "public.foot": (
        "Strona odświeża się sama co 10 sekund.",
        "This page refreshes itself every 10 seconds.",
    ),
    "stepup.title": ("Potwierdź kodem z aplikacji", "Confirm with a code from the app"),
    # Paper: the PDFs and the scanned protocol code.
    "paper.templates": ("Szablony protokołów gminy (PDF)", "The gmina's protocol templates (PDF)"),
    "paper.templates_by": (
        "Szablony protokołów według wyborów i okręgów (PDF)",
        "Protocol templates by contest and district (PDF)",
    ),
    "paper.template": ("Szablon protokołu (PDF)", "Protocol template (PDF)"),
    "paper.templates_precinct": ("Szablony protokołów obwodu (PDF)", "Precinct templates (PDF)"),
    "paper.protocol": (
        "Wydruk kontrolny wersji {version} (PDF)",
        "Version {version} as entered (PDF)",
    ),
    "paper.results": ("Projekt protokołu wyników (PDF)", "Results protocol draft (PDF)"),
    "paper.slips": (
        "Drukuj karty aktywacyjne nieaktywnych operatorów (PDF)",
        "Print activation slips of operators not activated yet (PDF)",
    ),
    "paper.slips_warning": (
        "Każdy wydruk wydaje nowe kody: kody z wcześniejszych kart przestają działać.",
        "Every printout issues new codes: the codes of earlier slips stop working.",
    ),
    "paper.no_slips": (
        "Wszyscy operatorzy tej gminy aktywowali już konta: nie ma kart do wydrukowania.",
        "Every operator of this gmina has activated their account: no slips to print.",
    ),
    "paper.refused": ("Nie można wydrukować:", "Cannot print:"),
    "scan.title": ("Sprawdzenie protokołu z kodu QR", "Checking a protocol from its QR code"),
    "scan.field": (
        "Zeskanuj kod QR protokołu (lub wklej jego treść)",
        "Scan a protocol's QR code (or paste what it says)",
    ),
    "scan.check": ("Sprawdź", "Check"),
    "scan.unreadable": ("To nie jest kod protokołu:", "This is not a protocol code:"),
    "scan.paper_code": ("Kod kontrolny na papierze", "Control code on the paper"),
    "scan.stored_code": (
        "Kod kontrolny wersji bieżącej {version}",
        "Control code of the current version {version}",
    ),
    "scan.match": (
        "Zgodny: papier jest wydrukiem bieżącej wersji {version}, wszystkie liczby się zgadzają.",
        "A match: the paper is the current version {version}, every number the same.",
    ),
    "scan.superseded": (
        (
            "Papier jest wydrukiem wersji {version}, którą poprawiono: WADLIWY — PODLEGAŁ "
            "SPROSTOWANIU. Potrzebny wydruk bieżącej wersji."
        ),
        (
            "The paper is version {version}, since corrected: superseded. The current version's "
            "printout is needed."
        ),
    ),
    "scan.mismatch": (
        "Niezgodny: papier nie odpowiada żadnej zapisanej wersji. Różnice wobec wersji bieżącej:",
        "No match: the paper is no stored version. Differences from the current version:",
    ),
    "scan.number": ("Pozycja", "Number"),
    "scan.on_paper": ("Na papierze", "On paper"),
    "scan.stored": ("W systemie", "Stored"),
    "scan.confirm": ("Potwierdź zgodność z papierem", "Confirm it matches the paper"),
    "scan.already": ("Ta wersja jest już potwierdzona.", "This version is confirmed already."),
    "scan.not_now": (
        "Stan protokołu: {state} — potwierdzenie niemożliwe.",
        "The protocol is {state}: it cannot be confirmed now.",
    ),
    "scan.open_precinct": ("Strona obwodu", "The precinct's page"),
}


def text(key: str, lang: str, **fields: object) -> str:
    """The text of ``key`` in ``lang`` (Polish when unknown), its fields filled."""
    pl, en = TEXTS[key]
    chosen = en if lang == "en" else pl
    return chosen.format(**fields) if fields else chosen


def language(chosen: str | None) -> str:
    return chosen if chosen in LANGUAGES else DEFAULT
