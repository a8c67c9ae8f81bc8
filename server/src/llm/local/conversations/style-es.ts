/** Spanish customer phrasing that does not depend on the intent: greetings, tone, reactions. */
import type { CustomerStyle } from './types.ts';

export const STYLE_ES: CustomerStyle = {
  greetings: ['Hola', 'Buenas', 'Buenos días', 'Buenas tardes', 'Hola, buenas', 'Qué tal'],
  leadIn: {
    positive: ['Una pregunta rápida.', 'A ver si me {pueden} ayudar.', 'Perdón por la molestia.'],
    neutral: ['Tengo una duda.', 'Necesito ayuda.', 'Una consulta.', '¿Me {pueden} ayudar?'],
    negative: [
      'Esto es muy frustrante.',
      '¿En serio?',
      'Ya me estoy hartando.',
      'Estoy muy molesto.',
      'Es urgente.',
      '¡Ayuda!',
      'No puede ser.',
    ],
  },
  tail: {
    positive: ['¡Muchas gracias!', 'Gracias de antemano.', 'Mil gracias :)', 'Saludos.'],
    neutral: ['Gracias.', 'Quedo pendiente.', '¿Me {pueden} ayudar?', 'Un saludo.'],
    negative: [
      '¡Solucionen esto ya!',
      'Esto es inaceptable.',
      '¿Qué está pasando??',
      'Ya no sé qué hacer.',
      'Necesito una solución hoy.',
    ],
  },
  connectors: ['', '', '', 'Sí.', 'Claro.', 'Vale,', 'Pues', 'Mire,', 'Bueno,'],
  secondIssue: [
    'Por cierto, ¿puedo activar avisos de esto en la app?',
    'Otra cosa: ¿me {pueden} mandar un resumen por correo?',
    'Ah, y la app va muy lenta últimamente, ¿es normal?',
    'Aprovecho para confirmar que mi correo de contacto sigue siendo el correcto.',
  ],
  generic: [
    'Sí, es correcto.',
    'Sí, la cuenta está a mi nombre.',
    'No, no ha cambiado nada más.',
    'Tengo la última versión de la app.',
    'Lo que haga falta.',
  ],
  reaction: {
    resolved: {
      positive: [
        '¡Perfecto, muchas gracias!',
        'Genial, ya funciona. ¡Gracias!',
        '¡Muchas gracias por la ayuda!',
      ],
      neutral: ['Vale, gracias.', 'De acuerdo, gracias.', 'Entendido, gracias.'],
      negative: [
        'Por fin. Gracias.',
        'Bueno, ya quedó. Gracias.',
        'Ok, ya está resuelto. Gracias.',
      ],
    },
    unresolved: {
      positive: ['Qué pena, esperaba que se pudiera arreglar.', 'Bueno… gracias de todos modos.'],
      neutral: [
        '¿Entonces no se puede hacer nada? Qué decepción.',
        'Eso no me resuelve el problema.',
      ],
      negative: [
        'No sirve de nada. Estoy muy molesto.',
        '¿No me pueden ayudar? Increíble.',
        'Esto es una vergüenza.',
      ],
    },
    escalated: {
      positive: ['Perfecto, gracias. Espero su respuesta.', 'Genial, estaré pendiente del correo.'],
      neutral: [
        'Vale. ¿Cuánto tardarán?',
        'De acuerdo, espero noticias.',
        'Bien, me guardo el número de caso.',
      ],
      negative: [
        '¿Otra vez esperar? Vale, pero que sea rápido.',
        'Espero que esta vez sí lo arreglen.',
      ],
    },
  },
};
