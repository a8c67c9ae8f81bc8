/** The English agent: replies that fit each category and each resolution. */
import type { AgentPhrases } from './types.ts';

export const AGENT_EN: AgentPhrases = {
  greet: [
    'Hi, thanks for contacting us.',
    'Hello, thanks for reaching out.',
    'Hi, {name} here.',
    '',
  ],
  acknowledge: {
    positive: [
      'Happy to help with {topic}.',
      'Of course, let me look into {topic} for you.',
      'Sure thing, I can help with {topic}.',
    ],
    neutral: [
      'I can help with {topic}.',
      'Let me check {topic} for you.',
      'Thanks for the details about {topic}.',
    ],
    negative: [
      'I’m sorry about the trouble with {topic}. Let’s sort it out.',
      'I understand this is frustrating, and I’m sorry. Let me look at {topic} right away.',
      'Sorry for the hassle with {topic}. I’m on it.',
    ],
  },
  followUp: ['Thanks.', 'Got it.', 'Thanks for confirming.', 'Understood.', 'OK, thank you.'],
  secondIssue: [
    'Sure, I’ve noted that as well and it’s taken care of.',
    'Yes, that’s done too.',
    'Of course, I’ve updated that for you.',
  ],
  byCategory: {
    card_management: {
      clarify: [
        'Could you confirm the last four digits of the card?',
        'When did you order the card, and is the address in the app correct?',
        'Is this about your physical card or a virtual one?',
        'Can you tell me what you see on the card screen in the app?',
      ],
      resolve: [
        'I’ve checked your card and updated it. You’ll see the change in the Cards tab now.',
        'I’ve ordered a new card for you; it should arrive in 3 to 5 working days, and you can track it in the app.',
        'You can do this in the app under Cards, then Settings. I’ve enabled the option for you.',
        'I’ve sent the details to your email and refreshed your card status, so it should work now.',
      ],
      cannot: [
        'the card supplier hasn’t given us an update yet, so I can’t change anything on my side',
        'our system doesn’t allow this change for your card type',
        'the card is still being processed and I can’t speed that up',
      ],
      team: ['card operations team', 'cards team', 'delivery team'],
    },
    card_payments: {
      clarify: [
        'What was the amount and the merchant of the payment?',
        'When did you make the payment, and was it online or in a shop?',
        'Did you get an error message at the terminal or in the app?',
      ],
      resolve: [
        'I’ve checked the payment: it was blocked by an automatic security check, which I’ve cleared. You can pay again now.',
        'The merchant hasn’t completed the payment yet; it will clear within a few days, and I’ve added a note to your account.',
        'I’ve reset the setting on your card, so payments should go through normally now.',
      ],
      cannot: [
        'the merchant controls when the payment completes, so I can’t change it from here',
        'the payment was rejected by the merchant’s side and I can’t override it',
      ],
      team: ['payments team', 'card payments team'],
    },
    cash_withdrawals: {
      clarify: [
        'Which ATM did you use, and at what time?',
        'How much did you try to withdraw?',
        'Did the ATM show any message on the screen?',
      ],
      resolve: [
        'I’ve checked the withdrawal and corrected it on your account; the balance is updated now.',
        'I’ve cleared the block on your card for ATM withdrawals, so you can try again.',
        'The ATM operator confirmed the issue and the money has been returned to your balance.',
      ],
      cannot: [
        'we need the ATM operator’s report, and they haven’t sent it yet',
        'the withdrawal is still being processed by the ATM network',
      ],
      team: ['ATM disputes team', 'cash services team'],
    },
    transfers: {
      clarify: [
        'Could you give me the amount and the date of the transfer?',
        'Who is the recipient, and is it a domestic or international transfer?',
        'Can you check the reference shown in the app for the transfer?',
      ],
      resolve: [
        'I’ve traced the transfer and it has now been completed. It should show in the account shortly.',
        'I’ve fixed the issue with the transfer and it’s been sent again successfully.',
        'You can do this from Payments in the app; I’ve sent you a step-by-step guide by email.',
      ],
      cannot: [
        'the receiving bank hasn’t confirmed anything yet and I can’t see beyond our side',
        'the transfer has already left our system, so I can’t change it',
      ],
      team: ['transfers team', 'payments operations team'],
    },
    top_ups: {
      clarify: [
        'Which card or account did you use to top up?',
        'How much was the top-up, and when did you make it?',
        'Did you see any message in the app when you topped up?',
      ],
      resolve: [
        'I’ve checked your top-up and it has now been added to your balance.',
        'I’ve updated your top-up settings; you can manage them under Top up in the app.',
        'Your card is verified for top-ups now, so you can try again.',
      ],
      cannot: [
        'the card issuer declined it on their side, so I can’t push it through',
        'the top-up is still with the card network and I can’t speed it up',
      ],
      team: ['top-ups team', 'payments team'],
    },
    exchange_and_currencies: {
      clarify: [
        'Which currencies are you exchanging between?',
        'What was the date and amount of the transaction?',
        'Did you make the exchange in the app or while paying abroad?',
      ],
      resolve: [
        'We use the live interbank rate during market hours; I’ve checked your transaction and applied the correct rate.',
        'You can exchange currencies under Accounts, then Exchange; I’ve turned on the feature for you.',
        'I’ve refunded the difference from the rate, so your balance is correct now.',
      ],
      cannot: [
        'the rate was set by the card network at that moment and I can’t change it',
        'the rate applied matches our policy, so there is nothing I can adjust',
      ],
      team: ['FX team', 'currency operations team'],
    },
    account_and_verification: {
      clarify: [
        'Could you confirm your full name and date of birth?',
        'Which document are you using, and which country issued it?',
        'What do you see in the app at the moment?',
      ],
      resolve: [
        'I’ve updated your account, and the change is visible in your profile now.',
        'I’ve reset the verification, so you can try again in the app; it usually takes a few minutes.',
        'I’ve sent you the full information by email, including the documents we accept.',
      ],
      cannot: [
        'we need documents I can’t accept through chat',
        'regulations don’t allow us to change this for your account',
      ],
      team: ['verification team', 'compliance team'],
    },
    security: {
      clarify: [
        'When did you last use the card?',
        'Do you see any payments you don’t recognise?',
        'Is the card still with you?',
      ],
      resolve: [
        'I’ve blocked the card and ordered a replacement; it should arrive in 3 to 5 working days.',
        'I’ve unblocked it for you, so you can use it again now.',
        'Your card is frozen and a new one is on the way. Your money is safe.',
      ],
      cannot: [
        'for security reasons this has to be done in person with ID',
        'the block was set by our fraud system and I can’t lift it from chat',
      ],
      team: ['fraud team', 'security team'],
    },
    fees_and_charges: {
      clarify: [
        'Which transaction was the fee on, and how much was it?',
        'What date did you see the charge?',
        'Which plan are you on at the moment?',
      ],
      resolve: [
        'I’ve checked it: the fee was applied by mistake, and I’ve refunded it to your balance.',
        'The fee is part of your plan once you pass the free allowance; I’ve sent you the full fee table and refunded this one as a goodwill gesture.',
        'That charge is a temporary authorisation and it will disappear in a few days; I’ve confirmed it on your account.',
      ],
      cannot: [
        'the fee is part of your plan’s terms, so I can’t refund it',
        'the charge came from the other bank, not from us',
      ],
      team: ['billing team', 'fees review team'],
    },
    refunds_and_disputes: {
      clarify: [
        'What’s the merchant, the amount and the date?',
        'Have you already contacted the merchant?',
        'Is your card still in your possession?',
      ],
      resolve: [
        'I’ve raised a dispute and credited the amount back to your balance while we investigate.',
        'I’ve traced the refund: it’s been processed and will show in your account within 24 hours.',
        'I’ve removed the duplicate charge, so your balance is correct now.',
      ],
      cannot: [
        'the merchant needs to start the refund, and I can’t do it for them',
        'the dispute window for this transaction has already closed',
      ],
      team: ['disputes team', 'chargebacks team'],
    },
    app_and_access: {
      clarify: [
        'Which device and app version are you using?',
        'Can you still log in on any device?',
        'When did this start happening?',
      ],
      resolve: [
        'I’ve sent a reset link to your email. Once you follow it you can set a new passcode.',
        'I’ve logged out all devices and secured your account; you can log in again on your new phone.',
        'You can set this up in the app under Cards, then Add to wallet; I’ve enabled it for your card.',
      ],
      cannot: [
        'I can’t reset access from chat for security reasons',
        'this feature isn’t available for your card yet',
      ],
      team: ['app support team', 'account security team'],
    },
  },
  resolved: ['{fix}', 'Good news: {fix}', 'All done. {fix}', 'Thanks for waiting. {fix}'],
  unresolved: [
    'I’m sorry, but I can’t fix this right now: {reason}.',
    'Unfortunately, {reason}. I’m sorry I can’t do more at the moment.',
    'I’ve checked everything I can, but {reason}.',
  ],
  escalated: [
    'I’ve passed this to our {team} with ticket {ticket}; they’ll contact you within 24 hours.',
    'This needs our {team}. I’ve opened ticket {ticket} and they’ll email you within 2 working days.',
    'I’m escalating this to a specialist in our {team}. Your ticket number is {ticket}.',
  ],
  closing: {
    resolved: [
      'You’re welcome! Anything else I can help with?',
      'Glad that’s sorted. Have a great day!',
      'My pleasure. Take care!',
    ],
    unresolved: [
      'I understand, and I’m sorry. Your feedback has been noted.',
      'I’m really sorry I couldn’t do more today.',
      'I understand your frustration. I’ve recorded your complaint.',
    ],
    escalated: [
      'Thanks for your patience. They’ll be in touch soon.',
      'You can follow the ticket in the app under Help.',
      'Thank you. Please keep the ticket number for reference.',
    ],
  },
};
