/**
 * The Spanish agent. `{tu}`, `{puedes}`, `{revisa}`… switch between tú and usted per conversation (usted is
 * more common in Mexico, tú in Spain).
 */
import type { AgentPhrases } from './types.ts';

export const AGENT_ES: AgentPhrases = {
  greet: [
    'Hola, gracias por escribirnos.',
    'Hola, gracias por contactarnos.',
    'Hola, soy {name}.',
    '',
  ],
  acknowledge: {
    positive: ['Con gusto {te} ayudo con {topic}.', 'Claro, reviso {topic} ahora mismo.'],
    neutral: [
      '{te} ayudo con {topic}.',
      '{dejame} revisar {topic}.',
      'Gracias por los datos sobre {topic}.',
    ],
    negative: [
      'Lamento mucho las molestias con {topic}. Vamos a solucionarlo.',
      'Entiendo que es frustrante, {disculpa}. Reviso {topic} de inmediato.',
      'Siento el problema con {topic}. Ya lo estoy revisando.',
    ],
  },
  followUp: ['Gracias.', 'Entendido.', 'Gracias por confirmarlo.', 'Perfecto.'],
  secondIssue: [
    'Claro, eso también queda resuelto.',
    'Sí, eso ya está hecho.',
    'Por supuesto, ya lo actualicé.',
  ],
  byCategory: {
    card_management: {
      clarify: [
        '{confirma} los últimos cuatro dígitos de la tarjeta, por favor.',
        '¿Cuándo {pediste} la tarjeta y es correcta la dirección de la app?',
        '¿Se trata de la tarjeta física o de la virtual?',
      ],
      resolve: [
        'Ya actualicé {tu} tarjeta; {veras} el cambio en la sección Tarjetas.',
        'Pedí una tarjeta nueva; llegará en 3 a 5 días hábiles y {puedes} seguir el envío en la app.',
        '{puedes} hacerlo en la app, en Tarjetas y luego Ajustes; ya dejé la opción activada.',
      ],
      cannot: [
        'el proveedor de tarjetas aún no nos da información, así que no puedo cambiar nada',
        'el sistema no permite este cambio para {tu} tipo de tarjeta',
      ],
      team: ['equipo de tarjetas', 'equipo de envíos'],
    },
    card_payments: {
      clarify: [
        '¿De cuánto fue el pago y en qué comercio?',
        '¿Cuándo {hiciste} el pago, en línea o en tienda?',
      ],
      resolve: [
        'El pago se bloqueó por un control de seguridad que ya levanté; {puedes} volver a pagar.',
        'El comercio aún no confirma el cargo; se completará en unos días y ya lo dejé anotado.',
      ],
      cannot: [
        'el comercio controla cuándo se completa el pago y no puedo cambiarlo',
        'el rechazo viene del comercio y no puedo anularlo',
      ],
      team: ['equipo de pagos'],
    },
    cash_withdrawals: {
      clarify: ['¿Qué cajero {usaste} y a qué hora?', '¿Cuánto intentaste retirar?'],
      resolve: [
        'Revisé el retiro y ya está corregido; {tu} saldo está actualizado.',
        'Quité el bloqueo para retiros en cajero; {puedes} intentarlo de nuevo.',
      ],
      cannot: [
        'necesitamos el reporte del operador del cajero y aún no llega',
        'el retiro sigue en proceso en la red de cajeros',
      ],
      team: ['equipo de reclamaciones de cajeros'],
    },
    transfers: {
      clarify: [
        '{indica} el importe y la fecha de la transferencia, por favor.',
        '¿Quién es el destinatario y es nacional o internacional?',
      ],
      resolve: [
        'Localicé la transferencia y ya se completó; se verá en la cuenta en breve.',
        'Corregí el problema y la transferencia se envió de nuevo.',
        '{puedes} hacerlo desde Pagos en la app; {te} mandé una guía por correo.',
      ],
      cannot: [
        'el banco receptor no ha confirmado nada y no veo más allá de nuestro lado',
        'la transferencia ya salió de nuestro sistema y no puedo cambiarla',
      ],
      team: ['equipo de transferencias'],
    },
    top_ups: {
      clarify: [
        '¿Con qué tarjeta o cuenta {hiciste} la recarga?',
        '¿De cuánto fue la recarga y cuándo?',
      ],
      resolve: [
        'La recarga ya se abonó a {tu} saldo.',
        'Actualicé la configuración de recargas; {puedes} gestionarla en Recargar.',
      ],
      cannot: [
        'el emisor de la tarjeta la rechazó y no puedo forzarla',
        'la recarga sigue en la red de tarjetas y no puedo acelerarla',
      ],
      team: ['equipo de recargas'],
    },
    exchange_and_currencies: {
      clarify: ['¿Entre qué monedas es el cambio?', '¿Cuándo fue la operación y de cuánto?'],
      resolve: [
        'Usamos el tipo interbancario en horario de mercado; revisé la operación y apliqué el tipo correcto.',
        '{puedes} cambiar divisas en Cuentas y luego Cambiar; ya {te} activé la función.',
      ],
      cannot: [
        'el tipo lo fijó la red de la tarjeta en ese momento y no puedo cambiarlo',
        'el tipo aplicado cumple nuestra política',
      ],
      team: ['equipo de divisas'],
    },
    account_and_verification: {
      clarify: [
        '{confirma} {tu} nombre completo y fecha de nacimiento, por favor.',
        '¿Qué documento {estas} usando?',
      ],
      resolve: [
        'Ya actualicé {tu} cuenta; el cambio se ve en {tu} perfil.',
        'Reinicié la verificación; {puedes} intentarlo de nuevo en la app.',
      ],
      cannot: [
        'necesitamos documentos que no puedo aceptar por chat',
        'la normativa no permite este cambio',
      ],
      team: ['equipo de verificación', 'equipo de cumplimiento'],
    },
    security: {
      clarify: ['¿Cuándo {usaste} la tarjeta por última vez?', '¿{tienes} la tarjeta con {ti}?'],
      resolve: [
        'Bloqueé la tarjeta y pedí una nueva; llegará en 3 a 5 días hábiles.',
        'Ya está desbloqueado; {puedes} usarla de nuevo.',
      ],
      cannot: [
        'por seguridad esto se hace en persona con identificación',
        'el bloqueo lo puso el sistema antifraude y no puedo quitarlo por chat',
      ],
      team: ['equipo antifraude', 'equipo de seguridad'],
    },
    fees_and_charges: {
      clarify: [
        '¿En qué operación viste la comisión y de cuánto fue?',
        '¿Qué plan {tienes} ahora?',
      ],
      resolve: [
        'La comisión se aplicó por error y ya {te} la devolví.',
        'Es una preautorización temporal y desaparecerá en unos días.',
      ],
      cannot: [
        'la comisión forma parte de las condiciones de {tu} plan',
        'el cargo viene del otro banco, no de nosotros',
      ],
      team: ['equipo de facturación'],
    },
    refunds_and_disputes: {
      clarify: [
        '¿Cuál es el comercio, el importe y la fecha?',
        '¿Ya {has} contactado con el comercio?',
      ],
      resolve: [
        'Abrí una reclamación y abonamos el importe mientras investigamos.',
        'Eliminé el cargo duplicado; {tu} saldo ya es correcto.',
      ],
      cannot: [
        'el comercio tiene que iniciar el reembolso',
        'el plazo para reclamar esta operación ya venció',
      ],
      team: ['equipo de reclamaciones'],
    },
    app_and_access: {
      clarify: [
        '¿Qué dispositivo y versión de la app {usas}?',
        '¿{puedes} entrar desde algún otro dispositivo?',
      ],
      resolve: [
        '{te} mandé un enlace para restablecer el código.',
        'Cerré la sesión en todos los dispositivos; ya {puedes} entrar con el nuevo.',
      ],
      cannot: [
        'no puedo restablecer el acceso por chat por seguridad',
        'esta función aún no está disponible para {tu} tarjeta',
      ],
      team: ['equipo de soporte de la app', 'equipo de seguridad de cuentas'],
    },
  },
  resolved: ['{fix}', 'Buenas noticias: {fix}', 'Listo. {fix}', 'Gracias por esperar. {fix}'],
  unresolved: [
    'Lo siento, no puedo solucionarlo ahora: {reason}.',
    'Por desgracia, {reason}. Lamento no poder hacer más.',
    'Revisé todo lo posible, pero {reason}.',
  ],
  escalated: [
    'Pasé el caso al {team} con el número {ticket}; {te} contactarán en 24 horas.',
    'Esto lo tiene que ver el {team}. Abrí el caso {ticket} y {te} escribirán en 2 días hábiles.',
  ],
  closing: {
    resolved: ['¡De nada! ¿{te} ayudo con algo más?', 'Me alegra que quedara resuelto. ¡Buen día!'],
    unresolved: [
      'Lo entiendo y lo siento. Dejé registrada {tu} queja.',
      'Lamento no poder hacer más hoy.',
    ],
    escalated: ['Gracias por {tu} paciencia.', '{guarda} el número de caso por si acaso.'],
  },
};
