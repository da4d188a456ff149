"""Every sentence the bot says, in French (vouvoiement) and English, in one reviewed place.

Rules from ``shared/domain/method.md`` §2 that these texts follow: say it is an automated
assistant, one idea per message, no exclamation marks, no threat, nothing not in the ledger,
and always a way to reach a person (HUMAIN / HUMAN) and to stop (STOP).
Placeholders use ``str.format`` names; ``render`` fails loudly when one is missing.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

TEXTS: dict[str, dict[Language, str]] = {
    # --- opening and identity (nothing about the debt before verification, compliance G-03)
    "opening": {
        "fr": "Bonjour, je suis l'assistant automatisé de {creditor}. À tout moment, écrivez "
        "HUMAIN pour parler à une personne, ou STOP pour ne plus recevoir de messages.",
        "en": "Hello, I am the automated assistant of {creditor}. At any time, type HUMAN to "
        "talk to a person, or STOP to receive no more messages.",
    },
    "ask_identity_postcode": {
        "fr": "Avant de poursuivre, et pour protéger vos informations, pouvez-vous m'indiquer "
        "le code postal de votre adresse de facturation ?",
        "en": "Before we go on, and to protect your information, could you tell me the "
        "postcode of your billing address?",
    },
    "ask_identity_birth_date": {
        "fr": "Avant de poursuivre, et pour protéger vos informations, pouvez-vous m'indiquer "
        "votre date de naissance (JJ/MM/AAAA) ?",
        "en": "Before we go on, and to protect your information, could you tell me your date "
        "of birth (DD/MM/YYYY)?",
    },
    "identity_not_an_answer_postcode": {
        "fr": "Je n'ai pas trouvé de code postal dans votre message ; cela ne compte pas comme "
        "un essai. Écrivez HUMAIN si vous préférez parler à une personne.",
        "en": "I could not find a postcode in your message; this does not count as an attempt. "
        "Type HUMAN if you would rather talk to a person.",
    },
    "identity_not_an_answer_birth_date": {
        "fr": "Je n'ai pas trouvé de date de naissance dans votre message ; cela ne compte pas "
        "comme un essai. Écrivez HUMAIN si vous préférez parler à une personne.",
        "en": "I could not find a date of birth in your message; this does not count as an "
        "attempt. Type HUMAN if you would rather talk to a person.",
    },
    "identity_mismatch": {
        "fr": "Cela ne correspond pas à ce que j'ai dans le dossier. Pouvez-vous vérifier et "
        "réessayer ? Il vous reste {left} essai(s).",
        "en": "That does not match what I have on file. Could you check and try again? "
        "You have {left} attempt(s) left.",
    },
    "identity_locked": {
        "fr": "Par sécurité, je ne peux pas vous donner d'informations sur ce dossier pour le "
        "moment. Une personne de l'équipe peut vous aider : écrivez HUMAIN, ou réessayez "
        "dans {hours} heures.",
        "en": "For your security, I cannot share any information about this file for now. "
        "A member of the team can help you: type HUMAN, or try again in {hours} hours.",
    },
    "identity_needed": {
        "fr": "Je dois d'abord vérifier votre identité avant de parler de ce dossier. "
        "Écrivez HUMAIN si vous préférez parler à une personne.",
        "en": "I first need to check your identity before discussing this file. "
        "Type HUMAN if you would rather talk to a person.",
    },
    "verified_open_question": {
        "fr": "Merci, c'est bien vous. Je reviens vers vous au sujet de la facture {invoice} "
        "du {issued} ({amount}), arrivée à échéance le {due}. Comment les choses se "
        "passent-elles de votre côté concernant cette facture ?",
        "en": "Thank you, that is confirmed. I am getting back to you about invoice {invoice} "
        "of {issued} ({amount}), which fell due on {due}. How are things on your side "
        "with this invoice?",
    },
    # --- listening loop
    "confirm_yes": {"fr": "Oui", "en": "Yes"},
    "confirm_not_quite": {"fr": "Pas tout à fait", "en": "Not quite"},
    "confirm_no": {"fr": "Non", "en": "No"},
    "correction_open_question": {
        "fr": "Pardon, je vous ai mal compris. Pouvez-vous me dire en quelques mots ce qui "
        "bloque de votre côté ?",
        "en": "Sorry, I misunderstood. Could you tell me in a few words what is blocking on "
        "your side?",
    },
    "correction_hand_over": {
        "fr": "Pardon, je n'arrive pas à bien vous comprendre. Je préfère vous mettre en "
        "relation avec une personne de l'équipe.",
        "en": "Sorry, I am not managing to understand you properly. I would rather put you in "
        "touch with a member of the team.",
    },
    "clarify_cause": {
        "fr": "Pour vous proposer la bonne solution, puis-je vous demander ce qui explique ce "
        "retard : une difficulté de trésorerie, un souci administratif, un désaccord sur la "
        "prestation, ou autre chose ?",
        "en": "To suggest the right solution, may I ask what explains the delay: a cash-flow "
        "difficulty, an administrative issue, a disagreement about the service, or "
        "something else?",
    },
    "cause_button_hardship": {"fr": "Difficulté de trésorerie", "en": "Cash-flow difficulty"},
    "cause_button_admin": {"fr": "Souci administratif", "en": "Administrative issue"},
    "cause_button_dispute": {"fr": "Désaccord sur la prestation", "en": "Disagreement"},
    "cause_button_other": {"fr": "Parler à une personne", "en": "Talk to a person"},
    "acknowledge_open_question": {
        "fr": "Merci. Prenez le temps de m'expliquer ce qui se passe de votre côté.",
        "en": "Thank you. Take your time and tell me what is happening on your side.",
    },
    "did_you_mean": {
        "fr": "Je veux être sûr de bien vous comprendre. Vouliez-vous dire :",
        "en": "I want to be sure I understand you. Did you mean:",
    },
    "did_you_mean_none": {"fr": "Autre chose", "en": "Something else"},
    "ask_rephrase": {
        "fr": "Pardon, je n'ai pas bien compris. Pouvez-vous le dire autrement, en quelques mots ?",
        "en": "Sorry, I did not quite understand. Could you say it another way, in a few words?",
    },
    # --- hardship and plans
    "ask_capacity": {
        "fr": "Merci de m'avoir expliqué votre situation. Avançons à votre rythme : quel "
        "montant par mois vous paraîtrait tenable ?",
        "en": "Thank you for explaining your situation. Let's go at your pace: what monthly "
        "amount would feel manageable?",
    },
    "ask_capacity_again": {
        "fr": "D'accord. Quel montant par mois, ou sur combien de mois, vous conviendrait mieux ?",
        "en": "All right. What monthly amount, or how many months, would suit you better?",
    },
    "plan_offer": {
        "fr": "Vu ce que vous m'avez dit, je peux vous proposer {count} versement(s), sans "
        "frais :\n{schedule}\nCela vous conviendrait-il ?",
        "en": "Given what you told me, I can offer {count} payment(s), at no extra cost:\n"
        "{schedule}\nWould that suit you?",
    },
    "plan_counter_below_min_instalment": {
        "fr": "{creditor} ne peut pas accepter de versements inférieurs à {minimum} par mois. "
        "Voici ce que je peux vous proposer, sans frais :\n{schedule}\nCela vous "
        "conviendrait-il ?",
        "en": "{creditor} cannot accept payments below {minimum} a month. Here is what I can "
        "offer, at no extra cost:\n{schedule}\nWould that suit you?",
    },
    "plan_counter_exceeds_max_months": {
        "fr": "{creditor} peut étaler le règlement sur {months} mois au plus. Voici ce que je "
        "peux vous proposer, sans frais :\n{schedule}\nCela vous conviendrait-il ?",
        "en": "{creditor} can spread the payment over {months} months at most. Here is what I "
        "can offer, at no extra cost:\n{schedule}\nWould that suit you?",
    },
    "plan_counter_start_too_late": {
        "fr": "Le premier versement doit intervenir au plus tard le {first}. Voici ce que je "
        "peux vous proposer, sans frais :\n{schedule}\nCela vous conviendrait-il ?",
        "en": "The first payment needs to be made by {first} at the latest. Here is what I can "
        "offer, at no extra cost:\n{schedule}\nWould that suit you?",
    },
    "plan_counter_default": {
        "fr": "Voici ce que je peux vous proposer, sans frais :\n{schedule}\nCela vous "
        "conviendrait-il ?",
        "en": "Here is what I can offer, at no extra cost:\n{schedule}\nWould that suit you?",
    },
    "plan_settlement_offer": {
        "fr": "{creditor} accepte un règlement unique de {amount} avant le {date} pour solde "
        "de tout compte. Cela vous conviendrait-il ?",
        "en": "{creditor} will accept a single payment of {amount} before {date} in full and "
        "final settlement. Would that suit you?",
    },
    "plan_discount_line": {
        "fr": "Si le règlement intervient avant le {date}, {creditor} vous accorde une remise "
        "de {amount}.",
        "en": "If payment is made before {date}, {creditor} will take {amount} off.",
    },
    "schedule_line": {"fr": "• {date} : {amount}", "en": "• {date}: {amount}"},
    "plan_button_accept": {"fr": "Cela me convient", "en": "That suits me"},
    "plan_button_other": {"fr": "Proposer autre chose", "en": "Suggest something else"},
    "button_human": {"fr": "Parler à une personne", "en": "Talk to a person"},
    "button_no_thanks": {"fr": "Non merci", "en": "No, thank you"},
    "plan_needs_human": {
        "fr": "Ce que vous proposez demande l'accord d'une personne de l'équipe de "
        "{creditor}. Je lui transmets votre demande avec ce que vous m'avez expliqué.",
        "en": "What you suggest needs the approval of a member of the {creditor} team. I am "
        "passing your request on with what you explained to me.",
    },
    "plan_accepted": {
        "fr": "C'est noté, merci. Voici le récapitulatif de votre échéancier pour la facture "
        "{invoice} :\n{schedule}\nTotal : {total}. Vous pouvez écrire HUMAIN à tout moment "
        "pour parler à une personne, ou STOP pour ne plus recevoir de messages.",
        "en": "Noted, thank you. Here is the summary of your payment plan for invoice "
        "{invoice}:\n{schedule}\nTotal: {total}. You can type HUMAN at any time to talk to a "
        "person, or STOP to receive no more messages.",
    },
    "plan_not_found": {
        "fr": "Je ne retrouve pas la proposition en cours. Quel montant par mois vous "
        "conviendrait ?",
        "en": "I cannot find the current proposal. What monthly amount would suit you?",
    },
    "debt_advice_fr": {
        "fr": "Si vous le souhaitez, un Point conseil budget peut vous accompagner gratuitement "
        "(mesdemarches.gouv.fr).",
        "en": "If you wish, a free debt-advice service can help you: in France, a Point "
        "conseil budget (mesdemarches.gouv.fr).",
    },
    "debt_advice_uk": {
        "fr": "Si vous le souhaitez, des services gratuits peuvent vous conseiller : "
        "MoneyHelper, StepChange ou National Debtline.",
        "en": "If you wish, free and independent debt advice is available from MoneyHelper, "
        "StepChange or National Debtline.",
    },
    # --- dispute
    "dispute_recorded": {
        "fr": "C'est noté : j'ai enregistré votre contestation et suspendu toute relance sur "
        "la facture {invoice}. Une personne de l'équipe de {creditor} va l'examiner et vous "
        "répondra d'ici le {review_date}. Souhaitez-vous parler à quelqu'un dès maintenant ?",
        "en": "Noted: I have recorded your dispute and paused all reminders on invoice "
        "{invoice}. A member of the {creditor} team will review it and reply by "
        "{review_date}. Would you like to talk to someone now?",
    },
    "dispute_recorded_for_review": {
        "fr": "C'est noté : j'ai enregistré votre contestation et suspendu toute relance sur "
        "la facture {invoice}. Une réponse vous sera donnée d'ici le {review_date}.",
        "en": "Noted: I have recorded your dispute and paused all reminders on invoice "
        "{invoice}. You will get an answer by {review_date}.",
    },
    # --- administrative blockers
    "ask_correction_missing_reference": {
        "fr": "Merci, cette information nous est utile. Quel numéro de bon de commande doit "
        "figurer sur la facture ?",
        "en": "Thank you, that is useful. Which purchase-order number should appear on the "
        "invoice?",
    },
    "ask_correction_invoice_delivery": {
        "fr": "Merci, cette information nous est utile. À quelle adresse e-mail ou postale "
        "souhaitez-vous recevoir la facture ?",
        "en": "Thank you, that is useful. To which email or postal address would you like the "
        "invoice sent?",
    },
    "ask_correction_master_data_error": {
        "fr": "Merci, cette information nous est utile. Quelles coordonnées faut-il corriger "
        "sur la facture (nom, adresse, destinataire) ?",
        "en": "Thank you, that is useful. Which details should be corrected on the invoice "
        "(name, address, addressee)?",
    },
    "ask_correction_billing_error": {
        "fr": "Merci, cette information nous est utile. Quel montant attendiez-vous, et sur "
        "quelle base (devis, bon de commande) ?",
        "en": "Thank you, that is useful. What amount did you expect, and on what basis "
        "(quote, purchase order)?",
    },
    "ask_correction_missing_document": {
        "fr": "Merci, cette information nous est utile. De quel document avez-vous besoin "
        "pour régler la facture ?",
        "en": "Thank you, that is useful. Which document do you need to pay the invoice?",
    },
    "ask_correction_generic": {
        "fr": "Merci, cette information nous est utile. Pouvez-vous m'indiquer ce qu'il faut "
        "corriger pour que vous puissiez régler la facture ?",
        "en": "Thank you, that is useful. Could you tell me what needs correcting so that you "
        "can pay the invoice?",
    },
    "correction_recorded": {
        "fr": "Merci. J'ai transmis votre correction à l'équipe facturation de {creditor} "
        "(ticket {ticket}). Pour rappel, la facture {invoice} du {issued} s'élève à {amount}, "
        "échéance le {due}. Y a-t-il autre chose qui bloque le règlement ?",
        "en": "Thank you. I have passed your correction on to the {creditor} billing team "
        "(ticket {ticket}). As a reminder, invoice {invoice} of {issued} is for {amount}, "
        "due on {due}. Is anything else blocking the payment?",
    },
    # --- already paid
    "ask_payment_details": {
        "fr": "Merci. Pour que notre service comptable retrouve votre paiement, pouvez-vous "
        "m'indiquer quand, combien et comment vous avez réglé (virement, carte, chèque) ?",
        "en": "Thank you. So that our accounts team can find your payment, could you tell me "
        "when, how much and how you paid (transfer, card, cheque)?",
    },
    "payment_claim_recorded": {
        "fr": "Merci, c'est noté : {claim}. Je le transmets au service comptable de {creditor} "
        "pour rapprochement, et les relances sont suspendues en attendant. Écrivez HUMAIN si "
        "vous souhaitez parler à une personne.",
        "en": "Thank you, noted: {claim}. I am passing this to the {creditor} accounts team "
        "for matching, and reminders are paused in the meantime. Type HUMAN if you would "
        "like to talk to a person.",
    },
    # --- promise
    "ask_promise_date": {
        "fr": "Merci. À quelle date pensez-vous pouvoir faire ce règlement, et pour quel montant ?",
        "en": "Thank you. On what date do you think you can make this payment, and for what "
        "amount?",
    },
    "promise_recorded": {
        "fr": "C'est noté, merci : {amount} le {date} pour la facture {invoice}. Je ne vous "
        "relancerai pas d'ici là. Vous pouvez écrire HUMAIN à tout moment pour parler à une "
        "personne.",
        "en": "Noted, thank you: {amount} on {date} for invoice {invoice}. I will not contact "
        "you about it before then. You can type HUMAN at any time to talk to a person.",
    },
    # --- handoff, stop, wrong person, vulnerability
    "escalated": {
        "fr": "Je transmets notre échange à une personne de l'équipe de {creditor}, qui vous "
        "répondra ici. Nos conseillers sont disponibles {hours}.",
        "en": "I am passing our conversation to a member of the {creditor} team, who will "
        "answer you here. Our advisers are available {hours}.",
    },
    "waiting_for_agent": {
        "fr": "Votre message a bien été transmis à l'équipe. Une personne vous répondra ici.",
        "en": "Your message has been passed to the team. A person will answer you here.",
    },
    "no_agent_yet": {
        "fr": "Je suis désolé : personne de l'équipe n'a encore pu vous répondre. Nos "
        "conseillers sont disponibles {hours}. Préférez-vous être rappelé, ou recevoir une "
        "réponse par e-mail ? Vous pouvez aussi continuer à écrire ici, rien ne sera perdu.",
        "en": "I am sorry: nobody from the team has been able to answer you yet. Our advisers "
        "are available {hours}. Would you rather be called back, or get an answer by e-mail? "
        "You can also keep writing here; nothing will be lost.",
    },
    "button_callback": {"fr": "Être rappelé", "en": "Call me back"},
    "button_email": {"fr": "Réponse par e-mail", "en": "Answer by e-mail"},
    "callback_request_recorded": {
        "fr": "C'est noté : une personne de l'équipe vous rappellera pendant nos heures "
        "d'ouverture, au numéro de votre dossier. Vous pouvez continuer à écrire ici en "
        "attendant.",
        "en": "Noted: a member of the team will call you back during our opening hours, on the "
        "number in your file. You can keep writing here in the meantime.",
    },
    "email_follow_up_recorded": {
        "fr": "C'est noté : une personne de l'équipe vous répondra par e-mail. Vous pouvez "
        "continuer à écrire ici en attendant.",
        "en": "Noted: a member of the team will answer you by e-mail. You can keep writing "
        "here in the meantime.",
    },
    "handed_back": {
        "fr": "{agent} a terminé son échange avec vous. {outcome}Je suis de nouveau "
        "l'assistant automatisé de {creditor} et je reste à votre écoute ; écrivez HUMAIN "
        "pour reparler à une personne.",
        "en": "{agent} has finished talking with you. {outcome}I am the automated assistant of "
        "{creditor} again and I am still listening; type HUMAN to talk to a person again.",
    },
    "opted_out": {
        "fr": "C'est noté : vous ne recevrez plus de messages de notre part. Si vous changez "
        "d'avis, ou pour parler à une personne, écrivez-nous ici.",
        "en": "Done: you will not receive any more messages from us. If you change your mind, "
        "or to talk to a person, write to us here.",
    },
    "wrong_person": {
        "fr": "Je vous prie de m'excuser pour ce dérangement. Je ne vous contacterai plus à ce "
        "sujet sur ce canal. Bonne journée.",
        "en": "I apologise for the disturbance. I will not contact you about this again on "
        "this channel. Have a good day.",
    },
    "vulnerability": {
        "fr": "Merci de me l'avoir confié ; ce que vous traversez semble très difficile. "
        "Il n'y a aucune urgence : je mets les relances en pause. Souhaitez-vous qu'une "
        "personne de l'équipe prenne le relais, avec attention et sans pression ?",
        "en": "Thank you for telling me; what you are going through sounds very hard. "
        "There is no rush: I am pausing reminders. Would you like a member of the team to "
        "take over, with care and no pressure?",
    },
    "vulnerability_support": {
        "fr": "Si vous en ressentez le besoin, le 3114 (numéro national de prévention du "
        "suicide) répond 24 h/24, gratuitement.",
        "en": "If you need it, the Samaritans answer day and night for free on 116 123 "
        "(UK and Ireland).",
    },
    # --- information
    "debt_details": {
        "fr": "Voici le détail de votre dossier auprès de {creditor} :\n{lines}\nReste dû : "
        "{total}. Avez-vous des questions sur ces montants ?",
        "en": "Here are the details of your file with {creditor}:\n{lines}\nOutstanding: "
        "{total}. Do you have any questions about these amounts?",
    },
    "debt_line": {
        "fr": "• Facture {invoice} du {issued} : {amount} restant dû (échéance le {due})",
        "en": "• Invoice {invoice} of {issued}: {amount} outstanding (due on {due})",
    },
    "debt_line_paused": {
        "fr": " — relances suspendues",
        "en": " — reminders paused",
    },
    "payment_methods": {
        "fr": "Vous pouvez régler la facture {invoice} ainsi :\n{instructions}\nIndiquez la "
        "référence {invoice} avec votre paiement. Souhaitez-vous de l'aide pour autre chose ?",
        "en": "You can pay invoice {invoice} as follows:\n{instructions}\nPlease quote "
        "reference {invoice} with your payment. Can I help with anything else?",
    },
    # --- small talk
    "greet_again": {
        "fr": "Bonjour, je vous écoute. Comment puis-je vous aider concernant votre dossier ?",
        "en": "Hello, I am listening. How can I help you with your file?",
    },
    "goodbye": {
        "fr": "Merci pour cet échange. Vous pouvez revenir ici à tout moment ; écrivez HUMAIN "
        "pour parler à une personne, ou STOP pour ne plus recevoir de messages. Bonne "
        "journée.",
        "en": "Thank you for this conversation. You can come back here at any time; type "
        "HUMAN to talk to a person, or STOP to receive no more messages. Have a good day.",
    },
    "thank": {
        "fr": "Je vous en prie. Y a-t-il autre chose que je puisse faire pour vous ?",
        "en": "You are welcome. Is there anything else I can do for you?",
    },
    "anything_else": {
        "fr": "D'accord. Je reste à votre disposition ici ; écrivez HUMAIN à tout moment pour "
        "parler à une personne.",
        "en": "All right. I remain available here; type HUMAN at any time to talk to a person.",
    },
    "bot_challenge": {
        "fr": "Je suis un assistant automatisé de {creditor}, pas une personne. Si vous "
        "préférez parler à quelqu'un de l'équipe, écrivez HUMAIN.",
        "en": "I am an automated assistant of {creditor}, not a person. If you would rather "
        "talk to someone from the team, type HUMAN.",
    },
    # --- gateway notices
    "one_moment": {
        "fr": "Un instant, je reviens vers vous dans quelques secondes. Votre message est bien "
        "enregistré.",
        "en": "One moment, I will be back with you in a few seconds. Your message has been saved.",
    },
    "link_required": {
        "fr": "Pour discuter de votre dossier, merci d'ouvrir le lien personnel que vous avez "
        "reçu. Ce lien est valable quelques jours.",
        "en": "To discuss your file, please open the personal link you received. This link is "
        "valid for a few days.",
    },
    "technical_problem": {
        "fr": "Pardon, un problème technique m'empêche de vous répondre. Écrivez HUMAIN pour "
        "parler à une personne, ou réessayez dans un instant.",
        "en": "Sorry, a technical problem prevents me from answering. Type HUMAN to talk to a "
        "person, or try again in a moment.",
    },
    "empty_message": {
        "fr": "Votre message semble vide. Pouvez-vous l'écrire à nouveau ?",
        "en": "Your message seems empty. Could you type it again?",
    },
    # --- Telegram notices (a chat is bound to a debtor only through their signed link)
    "telegram_unbound": {
        "fr": "Bonjour, je suis un assistant automatisé. Pour parler de votre dossier, ouvrez "
        "le lien Telegram personnel que vous avez reçu : sans lui, je ne peux rien vous dire "
        "sur un dossier. Pour parler à une personne, contactez la société qui vous a écrit.",
        "en": "Hello, I am an automated assistant. To discuss your file, please open the "
        "personal Telegram link you received: without it, I cannot tell you anything about a "
        "file. To talk to a person, contact the company that wrote to you.",
    },
    "telegram_link_invalid": {
        "fr": "Ce lien n'est plus valable ou il est incomplet. Demandez un nouveau lien à la "
        "société qui vous a écrit ; elle peut aussi vous mettre en relation avec une personne.",
        "en": "This link is no longer valid or is incomplete. Please ask the company that "
        "wrote to you for a new link; they can also put you in touch with a person.",
    },
    "telegram_unlinked": {
        "fr": "Ce chat n'est plus relié à votre dossier. Vous pourrez le relier à nouveau en "
        "ouvrant votre lien personnel. Pour parler à une personne, écrivez-nous via ce lien.",
        "en": "This chat is no longer linked to your file. You can link it again by opening "
        "your personal link. To talk to a person, write to us through that link.",
    },
    "edited_unsupported": {
        "fr": "Je ne peux pas prendre en compte un message modifié. Pouvez-vous m'envoyer "
        "votre correction dans un nouveau message ? Écrivez HUMAIN pour parler à une personne.",
        "en": "I cannot take an edited message into account. Could you send your correction "
        "as a new message? Type HUMAN to talk to a person.",
    },
    "media_unsupported": {
        "fr": "Je ne sais lire que les messages écrits. Pour un justificatif, comme une preuve "
        "de paiement, envoyez-le en tant que fichier : il sera joint à votre dossier pour une "
        "personne de l'équipe. Écrivez HUMAIN pour parler à une personne.",
        "en": "I can only read written messages. For a supporting document, such as a proof of "
        "payment, send it as a file: it will be added to your file for a member of the team. "
        "Type HUMAN to talk to a person.",
    },
    "document_received": {
        "fr": "Merci, j'ai bien reçu votre document « {filename} ». Il est joint à votre dossier "
        "et une personne de l'équipe le consultera. Écrivez HUMAIN pour parler à une personne.",
        "en": 'Thank you, I have received your document "{filename}". It has been added to '
        "your file and a member of the team will look at it. Type HUMAN to talk to a person.",
    },
    "document_too_large": {
        "fr": "Ce fichier est trop volumineux pour moi (maximum {limit} Mo). Pouvez-vous en "
        "envoyer une version plus légère ? Écrivez HUMAIN pour parler à une personne.",
        "en": "This file is too large for me (at most {limit} MB). Could you send a smaller "
        "version? Type HUMAN to talk to a person.",
    },
    "choice_expired": {
        "fr": "Ce choix n'est plus disponible : écrivez-moi votre réponse.",
        "en": "This choice is no longer available: please type your answer.",
    },
    "message_too_long": {
        "fr": "Votre message est un peu long pour moi. Pouvez-vous le résumer en quelques "
        "phrases ?",
        "en": "Your message is a little long for me. Could you sum it up in a few sentences?",
    },
    # --- follow-ups the scheduler starts (method.md 004-5): an open question first, no amount
    # (they may reach the debtor before any identity check, compliance G-03), then the
    # mandatory lines (G-01 disclosure, G-02 a person, G-04 stop).
    "reminder_hello": {"fr": "Bonjour,", "en": "Hello,"},
    "reminder_hello_name": {"fr": "Bonjour {name},", "en": "Hello {name},"},
    "reminder_disclosure": {
        "fr": "je suis l'assistant automatisé de {creditor}.",
        "en": "I am the automated assistant of {creditor}.",
    },
    "reminder_before_due": {
        "fr": "Une date de paiement prévue approche, et je voulais simplement savoir si tout "
        "se passe bien de votre côté. Si quelque chose vous gêne, dites-le-moi : nous "
        "pourrons chercher une solution ensemble.",
        "en": "A planned payment date is coming up, and I simply wanted to check that "
        "everything is fine on your side. If anything is in the way, tell me: we can look "
        "for a solution together.",
    },
    "reminder_due_day": {
        "fr": "C'est aujourd'hui la date de paiement prévue. Comment les choses se "
        "passent-elles de votre côté ? Si cette date ne vous convient pas, nous pouvons en "
        "parler.",
        "en": "Today is the planned payment date. How are things on your side? If this date "
        "does not suit you, we can talk about it.",
    },
    "reminder_after_due": {
        "fr": "Je reviens vers vous pour faire le point. Où en êtes-vous de votre côté ? Si "
        "quelque chose vous empêche de régler, expliquez-le-moi : nous chercherons une "
        "solution ensemble.",
        "en": "I am getting back to you to see where things stand. How are things on your "
        "side? If something is stopping you from paying, tell me about it: we will look "
        "for a solution together.",
    },
    "reminder_instalment": {
        "fr": "Comme convenu, je vous écris avant la prochaine échéance de votre plan de "
        "paiement. Tout se passe-t-il bien pour vous ? Si cela devient difficile, dites-le-"
        "moi : le plan peut être revu.",
        "en": "As agreed, I am writing before the next instalment of your payment plan. Is "
        "everything going well for you? If it is becoming difficult, tell me: the plan can "
        "be reviewed.",
    },
    "reminder_missed_instalment": {
        "fr": "Je ne vois pas encore la dernière échéance de votre plan de paiement. Que "
        "s'est-il passé ? Si le paiement est déjà parti, dites-le-moi ; si votre situation a "
        "changé, nous pouvons revoir le plan ensemble.",
        "en": "I cannot see the last instalment of your payment plan yet. What happened? If "
        "the payment is already on its way, tell me; if your situation has changed, we can "
        "review the plan together.",
    },
    "reminder_broken_promise": {
        "fr": "Nous avions parlé d'un paiement pour le {date}, et je ne le vois pas encore de "
        "notre côté. Que s'est-il passé ? Si le paiement est déjà parti, dites-le-moi ; "
        "sinon, nous pouvons convenir ensemble d'une autre solution.",
        "en": "We had talked about a payment on {date}, and I cannot see it on our side yet. "
        "What happened? If the payment is already on its way, tell me; otherwise we can "
        "agree on another solution together.",
    },
    "reminder_reply_link": {
        "fr": "Pour me répondre : {link}",
        "en": "To reply to me: {link}",
    },
    "reminder_human": {
        "fr": "Pour parler à une personne, répondez HUMAIN.",
        "en": "To talk to a person, reply HUMAN.",
    },
    "reminder_human_contact": {
        "fr": "Pour parler à une personne, répondez HUMAIN ou contactez {contact}.",
        "en": "To talk to a person, reply HUMAN or contact {contact}.",
    },
    "reminder_stop": {
        "fr": "Pour ne plus recevoir de messages, répondez STOP.",
        "en": "To receive no more messages, reply STOP.",
    },
    "reminder_unsubscribe": {
        "fr": "Pour ne plus recevoir de messages : {link}",
        "en": "To receive no more messages: {link}",
    },
    "reminder_us_validation": {
        "fr": "Ce message est envoyé par {creditor} pour le recouvrement d'une créance ; "
        "toute information obtenue servira à cette fin.",
        "en": "This message is from {creditor} and is an attempt to collect a debt; any "
        "information obtained will be used for that purpose.",
    },
    "reminder_subject": {
        "fr": "Un message de l'assistant de {creditor}",
        "en": "A message from the {creditor} assistant",
    },
    "unsubscribe_confirm": {
        "fr": "Vous ne souhaitez plus recevoir de messages de {creditor} ? Confirmez ci-dessous ; "
        "vous pourrez toujours nous écrire.",
        "en": "You no longer want to receive messages from {creditor}? Confirm below; you can "
        "still write to us.",
    },
    "unsubscribe_button": {"fr": "Ne plus recevoir de messages", "en": "Stop all messages"},
    "unsubscribe_done": {
        "fr": "C'est noté : vous ne recevrez plus de messages de {creditor}, sur aucun canal. "
        "Pour parler à une personne, vous pouvez toujours nous écrire.",
        "en": "Done: you will not receive any more messages from {creditor}, on any channel. "
        "To talk to a person, you can still write to us.",
    },
}

# Button labels for "Did you mean…" (two-stage fallback), one per intent the bot can suggest.
INTENT_LABELS: dict[str, dict[Language, str]] = {
    "hardship": {"fr": "J'ai des difficultés pour payer", "en": "I am struggling to pay"},
    "dispute": {"fr": "Je conteste la facture", "en": "I dispute the invoice"},
    "admin_problem": {
        "fr": "Un souci avec la facture elle-même",
        "en": "A problem with the invoice itself",
    },
    "already_paid": {"fr": "J'ai déjà payé", "en": "I have already paid"},
    "promise_to_pay": {"fr": "Je vais payer bientôt", "en": "I will pay soon"},
    "request_instalments": {"fr": "Payer en plusieurs fois", "en": "Pay in instalments"},
    "request_human": {"fr": "Parler à une personne", "en": "Talk to a person"},
    "wrong_person": {"fr": "Je ne suis pas la bonne personne", "en": "I am not the right person"},
    "stop_contact": {"fr": "Ne plus être contacté", "en": "Stop contacting me"},
    "vulnerability": {
        "fr": "Ma situation personnelle est difficile",
        "en": "My personal situation is difficult",
    },
    "ask_debt_details": {"fr": "Le détail de ce que je dois", "en": "Details of what I owe"},
    "ask_payment_methods": {"fr": "Comment payer", "en": "How to pay"},
    "affirm": {"fr": "Oui", "en": "Yes"},
    "deny": {"fr": "Non", "en": "No"},
    "greet": {"fr": "Bonjour", "en": "Hello"},
    "goodbye": {"fr": "Au revoir", "en": "Goodbye"},
    "thank": {"fr": "Merci", "en": "Thank you"},
    "bot_challenge": {"fr": "Êtes-vous un robot ?", "en": "Are you a bot?"},
    "inform": {"fr": "Je vous donne une information", "en": "I am giving you information"},
}

# Reformulations: what the bot understood, ending with a question (method.md card 000-3).
PARAPHRASES: dict[str, dict[Language, str]] = {
    "hardship": {
        "fr": "Si je vous comprends bien, vous souhaitez régler, mais {reason} vous en empêche "
        "pour le moment{capacity}. Est-ce bien cela ?",
        "en": "If I understood you correctly, you want to pay, but {reason} makes it "
        "impossible for now{capacity}. Is that right?",
    },
    "request_instalments": {
        "fr": "Si je vous comprends bien, vous aimeriez régler {amount} en plusieurs "
        "fois{capacity}. Est-ce bien cela ?",
        "en": "If I understood you correctly, you would like to pay {amount} in several "
        "instalments{capacity}. Is that right?",
    },
    "dispute": {
        "fr": "Si je vous comprends bien, vous contestez la facture {invoice} parce que "
        "{reason}. Ai-je bien compris ?",
        "en": "If I understood you correctly, you dispute invoice {invoice} because {reason}. "
        "Have I got that right?",
    },
    "admin_problem": {
        "fr": "Si je vous comprends bien, le règlement de la facture {invoice} est bloqué "
        "parce que {reason}. Est-ce bien cela ?",
        "en": "If I understood you correctly, payment of invoice {invoice} is blocked because "
        "{reason}. Is that right?",
    },
    "already_paid": {
        "fr": "Si je vous comprends bien, vous avez déjà réglé cette facture{details}. "
        "Est-ce exact ?",
        "en": "If I understood you correctly, you have already paid this invoice{details}. "
        "Is that correct?",
    },
    "promise_to_pay": {
        "fr": "Si je vous comprends bien, vous réglerez {amount}{date}. Est-ce bien cela ?",
        "en": "If I understood you correctly, you will pay {amount}{date}. Is that right?",
    },
}

# Short, faithful restatements of causes (method.md §6); unknown reasons quote the debtor.
REASONS: dict[str, dict[Language, str]] = {
    "job_loss": {"fr": "la perte de votre emploi", "en": "losing your job"},
    "business_slowdown": {"fr": "la baisse de votre activité", "en": "the drop in your business"},
    "late_customers": {
        "fr": "le retard de paiement de vos propres clients",
        "en": "your own customers paying late",
    },
    "unexpected_expense": {"fr": "une dépense imprévue", "en": "an unexpected expense"},
    "reduced_income": {"fr": "la baisse de vos revenus", "en": "a drop in your income"},
    "cash_flow": {"fr": "un problème de trésorerie", "en": "a cash-flow problem"},
    "hardship_generic": {
        "fr": "votre situation financière actuelle",
        "en": "your current financial situation",
    },
    "not_delivered": {
        "fr": "la commande ne vous a pas été livrée",
        "en": "the order was not delivered to you",
    },
    "incomplete": {"fr": "la livraison était incomplète", "en": "the delivery was incomplete"},
    "quality": {
        "fr": "la prestation ou le produit n'était pas conforme",
        "en": "the service or product was not up to standard",
    },
    "not_ordered": {
        "fr": "vous n'avez pas passé cette commande",
        "en": "you did not place this order",
    },
    "price": {
        "fr": "le montant ne correspond pas à ce qui était convenu",
        "en": "the amount does not match what was agreed",
    },
    "cancelled": {
        "fr": "le contrat avait été résilié",
        "en": "the contract had been cancelled",
    },
    "dispute_generic": {
        "fr": "vous n'êtes pas d'accord avec ce qui vous est facturé",
        "en": "you disagree with what you are being charged",
    },
    "invoice_delivery": {
        "fr": "vous n'avez pas reçu la facture",
        "en": "you did not receive the invoice",
    },
    "missing_reference": {
        "fr": "il manque le numéro de bon de commande sur la facture",
        "en": "the invoice is missing the purchase-order number",
    },
    "master_data_error": {
        "fr": "les coordonnées sur la facture sont erronées",
        "en": "the details on the invoice are wrong",
    },
    "billing_error": {
        "fr": "le montant de la facture comporte une erreur",
        "en": "the amount on the invoice is wrong",
    },
    "missing_document": {
        "fr": "il vous manque un document pour la régler",
        "en": "you are missing a document to pay it",
    },
    "admin_generic": {
        "fr": "un souci administratif",
        "en": "an administrative issue",
    },
    "quoted": {"fr": "« {quote} »", "en": "“{quote}”"},
}

# What the agent recorded, told back to the debtor when the bot resumes (empty: say nothing).
HANDBACK_OUTCOMES: dict[str, dict[Language, str]] = {
    "plan_agreed": {
        "fr": "Le plan de paiement convenu est bien enregistré. ",
        "en": "The payment plan you agreed is recorded. ",
    },
    "dispute_accepted": {
        "fr": "Votre contestation a été acceptée ; aucune relance ne vous sera envoyée pour "
        "ce montant. ",
        "en": "Your dispute has been accepted; you will get no reminder for this amount. ",
    },
    "dispute_rejected": {
        "fr": "Votre contestation a été examinée ; la personne vous en a expliqué les raisons. ",
        "en": "Your dispute has been reviewed; the adviser explained the reasons to you. ",
    },
    "payment_confirmed": {
        "fr": "Votre paiement est bien confirmé. ",
        "en": "Your payment is confirmed. ",
    },
    "callback_arranged": {
        "fr": "Le rappel convenu est bien noté. ",
        "en": "The callback you agreed is noted. ",
    },
    "information_given": {"fr": "", "en": ""},
    "other": {"fr": "", "en": ""},
}

PAYMENT_METHODS: dict[str, dict[Language, str]] = {
    "transfer": {"fr": "par virement", "en": "by bank transfer"},
    "card": {"fr": "par carte", "en": "by card"},
    "cheque": {"fr": "par chèque", "en": "by cheque"},
    "direct_debit": {"fr": "par prélèvement", "en": "by direct debit"},
    "cash": {"fr": "en espèces", "en": "in cash"},
    "paypal": {"fr": "par PayPal", "en": "by PayPal"},
}


def render(key: str, language: Language | None, **values: object) -> str:
    """The text for ``key``; with no known language, both versions (French first)."""
    return _render(TEXTS, key, language, values)


def intent_label(intent: str, language: Language) -> str | None:
    labels = INTENT_LABELS.get(intent)
    return labels[language] if labels else None


def render_paraphrase(intent: str, language: Language | None, **values: object) -> str:
    return _render(PARAPHRASES, intent, language, values)


def reason_phrase(code: str, language: Language, **values: object) -> str:
    return REASONS[code][language].format(**values)


def handback_phrase(outcome: str, language: Language) -> str:
    return HANDBACK_OUTCOMES.get(outcome, HANDBACK_OUTCOMES["other"])[language]


def method_phrase(code: str, language: Language) -> str:
    return PAYMENT_METHODS[code][language]


def _render(
    table: dict[str, dict[Language, str]],
    key: str,
    language: Language | None,
    values: dict[str, object],
) -> str:
    variants = table[key]
    if language is None:
        return "\n\n".join(variants[lang].format(**values) for lang in LANGUAGES)
    return variants[language].format(**values)
