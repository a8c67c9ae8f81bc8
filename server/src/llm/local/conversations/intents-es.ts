/**
 * Spanish customer phrases for the 77 intents, for Mexico and Spain. Market words come from values
 * (`{celular}` celular/móvil, `{checar}` checar/comprobar, `{p2p}` SPEI/Bizum, `{doc}` INE/DNI, pesos/euros);
 * how the customer addresses the bank comes from `{pueden}`, `{les}`, `{cobran}`… (ustedes, or vosotros in
 * Spain now and then). Written for this project, not translated from any dataset.
 */
import type { IntentTable } from './types.ts';

export const INTENTS_ES: IntentTable = {
  // card_management
  card_arrival: {
    open: [
      'Pedí mi tarjeta {long_ago} y [todavía no llega|aún no ha llegado|nunca llegó]',
      'Mi [nueva |]tarjeta [no ha llegado|todavía no llega|sigue sin llegar]',
      '[Todavía no|Aún no] [recibo|he recibido] mi tarjeta',
      '¿Dónde está mi tarjeta? [La pedí|Me la enviaron] {long_ago}',
      '¿[Cómo puedo|Puedo] [rastrear|seguir el envío de] mi tarjeta?',
      'Sigo esperando mi tarjeta[, ya pasaron {wait}|, llevo {wait}|]',
      'La app dice que mi tarjeta [salió|fue enviada] {long_ago} pero [no me ha llegado|no la tengo]',
      '¿[Me pueden|Me podéis|Pueden] decir qué pasó con mi tarjeta? No [ha llegado|llega]',
      '[Creo que|Me temo que] mi tarjeta se perdió en el envío, nunca llegó',
      '¿Por qué no ha llegado mi tarjeta [todavía|aún]?',
    ],
    details: [
      'La pedí {long_ago} y la dirección está bien.',
      'En la app sale como enviada pero no ha llegado nada.',
      'La necesito [para un viaje|para pagar unas cosas], ¿{pueden} [rastrearla|{checar} dónde está]?',
    ],
    topic: ['el envío de {tu} tarjeta', 'la tarjeta que {te} enviamos'],
  },
  card_delivery_estimate: {
    open: [
      '¿Cuánto [tarda|tiempo tarda] en llegar la tarjeta?',
      '¿Cuándo me llega la tarjeta si la pido hoy?',
      '¿En cuántos días [hábiles |]entregan la tarjeta?',
      '¿[Puedo elegir|Se puede elegir] el día de entrega de la tarjeta?',
      '¿[Hacen|Tienen] envío [exprés|urgente] de la tarjeta?',
      '¿[Envían|Mandan] la tarjeta a {country}? ¿Cuánto tardaría?',
      'Acabo de pedir mi tarjeta, ¿cuándo [debería llegar|llegará]?',
      '¿Cuál es el plazo de entrega [normal |]de la tarjeta?',
    ],
    details: [
      'Me voy de viaje pronto y quiero saber la fecha de entrega.',
      '¿La entrega es por mensajería o por correo?',
    ],
    topic: ['el plazo de entrega de la tarjeta', 'los tiempos de envío'],
  },
  activate_my_card: {
    open: [
      '¿Cómo activo mi [nueva |]tarjeta?',
      'Ya me llegó la tarjeta, ¿cómo la activo?',
      'No puedo activar mi tarjeta',
      '¿[Me ayudan|Me ayudáis] a activar mi tarjeta?',
      '¿Puedo activar la tarjeta desde la app?',
      'La activación de la tarjeta [no funciona|me da error]',
      '¿Qué tengo que hacer para activar la tarjeta?',
      '¿Hay que activar la tarjeta antes de usarla?',
    ],
    details: [
      'Me llegó {ago} y el botón de activar no aparece.',
      'Lo intenté con el código de la carta y no funcionó.',
    ],
    topic: ['la activación de {tu} tarjeta', 'activar {tu} tarjeta'],
  },
  card_about_to_expire: {
    open: [
      'Mi tarjeta [vence|caduca|expira] [pronto|el próximo mes], ¿qué hago?',
      '¿Me [mandan|envían|mandáis] una tarjeta nueva cuando caduque la mía?',
      '¿Qué pasa cuando [vence|caduca] mi tarjeta?',
      'Necesito una tarjeta nueva porque la mía está por vencer',
      '¿Tiene costo reponer una tarjeta que va a caducar?',
      'Estoy en {country} y mi tarjeta [vence|caduca] este mes, ¿me pueden mandar otra?',
    ],
    details: ['La fecha de vencimiento es a fin de mes.', '¿La nueva tendrá el mismo número?'],
    topic: ['la renovación de {tu} tarjeta', 'el reemplazo de {tu} tarjeta'],
  },
  card_linking: {
    open: [
      '¿Cómo vinculo mi tarjeta a la app?',
      'Encontré la tarjeta que creía perdida, ¿puedo [reactivarla|vincularla otra vez]?',
      '¿Cómo agrego [mi|una] tarjeta a la cuenta?',
      'Mi tarjeta no aparece en la app, ¿cómo la vinculo?',
      'Quiero vincular otra tarjeta a mi cuenta',
      'Había bloqueado la tarjeta pero ya apareció, ¿cómo la vuelvo a vincular?',
    ],
    details: [
      'Estaba en [la chamarra|el abrigo|un cajón] todo el tiempo.',
      'No veo la opción de vincular en la app.',
    ],
    topic: ['vincular {tu} tarjeta', 'la vinculación de {tu} tarjeta'],
  },
  card_not_working: {
    open: [
      'Mi tarjeta [no funciona|dejó de funcionar|ya no sirve]',
      'No puedo usar mi tarjeta [en ningún lado|para nada]',
      '¿Por qué no funciona mi tarjeta?',
      'La terminal no lee mi tarjeta',
      'Mi tarjeta está dañada y ya no funciona',
      'Mi tarjeta física [falla|no pasa] en [{place}|todas partes]',
    ],
    details: ['La probé en {place} y en {merchant} y no pasó.', 'El chip se ve rayado.'],
    topic: ['el problema con {tu} tarjeta', '{tu} tarjeta'],
  },
  get_physical_card: {
    open: [
      '¿Dónde encuentro el PIN de mi tarjeta?',
      'Me llegó la tarjeta pero no tengo el PIN',
      '¿El PIN llega con la tarjeta o por separado?',
      '¿Cómo veo el PIN de mi tarjeta en la app?',
      'No sé cuál es el PIN de mi tarjeta física',
    ],
    details: ['En el sobre solo venía la tarjeta.', 'Quiero usarla en un cajero hoy.'],
    topic: ['el PIN de {tu} tarjeta', 'consultar {tu} PIN'],
  },
  order_physical_card: {
    open: [
      '¿Cómo pido una tarjeta física?',
      'Quiero una tarjeta física[, por favor|]',
      'Solo tengo la tarjeta virtual, ¿puedo pedir una física?',
      '¿Cuánto cuesta pedir la tarjeta física?',
      '¿Dónde [solicito|pido] la tarjeta de plástico en la app?',
    ],
    details: ['¿Me la pueden mandar a la oficina?', 'La quiero con pago sin contacto.'],
    topic: ['el pedido de {tu} tarjeta física', 'la tarjeta física'],
  },
  getting_spare_card: {
    open: [
      '¿Puedo tener una segunda tarjeta para mi cuenta?',
      '¿Cómo pido una tarjeta adicional?',
      '¿{family} puede tener una tarjeta de mi cuenta?',
      '¿Cuánto cuesta una tarjeta extra?',
      '¿Cuántas tarjetas puedo tener en la misma cuenta?',
    ],
    details: ['Es para {family}, como respaldo.', '¿Compartiría el mismo saldo?'],
    topic: ['una tarjeta adicional', '{tu} segunda tarjeta'],
  },
  getting_virtual_card: {
    open: [
      '¿Cómo consigo una tarjeta virtual?',
      '¿Puedo tener una tarjeta virtual?',
      '¿Dónde pido la tarjeta virtual en la app?',
      '¿Qué es la tarjeta virtual y cómo la obtengo?',
      'Quiero una tarjeta virtual para compras en línea',
    ],
    details: ['Es para pagar en {merchant}.', '¿Puedo tener varias tarjetas virtuales?'],
    topic: ['la tarjeta virtual', '{tu} tarjeta virtual'],
  },
  get_disposable_virtual_card: {
    open: [
      '¿Cómo obtengo una tarjeta virtual desechable?',
      '¿Tienen tarjetas de un solo uso?',
      'Quiero una tarjeta desechable para una compra en línea',
      '¿Qué es una tarjeta virtual desechable y cómo se pide?',
      '¿Dónde creo una tarjeta desechable en la app?',
    ],
    details: ['Es para una página en la que no confío.', '¿Se borra después de un pago?'],
    topic: ['las tarjetas desechables', 'una tarjeta desechable'],
  },
  disposable_card_limits: {
    open: [
      '¿Qué límites tienen las tarjetas desechables?',
      '¿Cuántas tarjetas desechables puedo crear al día?',
      '¿Hay un límite de gasto en la tarjeta desechable?',
      '¿Cuántos pagos puedo hacer con una tarjeta desechable?',
      '¿Las tarjetas desechables tienen restricciones?',
    ],
    details: ['Necesito pagar varias tiendas así.', '¿El límite es diario o mensual?'],
    topic: ['los límites de las tarjetas desechables', 'las tarjetas desechables'],
  },
  virtual_card_not_working: {
    open: [
      'Mi tarjeta virtual no funciona',
      '¿Por qué rechazan mi tarjeta virtual en {merchant}?',
      'No puedo pagar con la tarjeta virtual',
      'La tarjeta virtual me da error al pagar en línea',
      'Mi tarjeta virtual desechable no pasa',
    ],
    details: ['Metí bien el número y el CVV.', 'La física sí funciona, solo falla la virtual.'],
    topic: ['{tu} tarjeta virtual', 'el fallo de la tarjeta virtual'],
  },
  change_pin: {
    open: [
      '¿Cómo cambio mi PIN?',
      'Quiero cambiar el PIN de mi tarjeta',
      '¿Puedo cambiar el PIN en la app o en un cajero?',
      'Creo que alguien vio mi PIN, necesito cambiarlo',
      '¿En qué cajeros puedo cambiar el PIN?',
    ],
    details: ['Quiero uno más fácil de recordar.', 'Me sé el PIN actual, solo quiero otro.'],
    topic: ['el cambio de {tu} PIN', 'cambiar {tu} PIN'],
  },
  visa_or_mastercard: {
    open: [
      '¿Mi tarjeta es Visa o Mastercard?',
      '¿Puedo elegir entre Visa y Mastercard?',
      'Prefiero una Mastercard, ¿se puede?',
      '¿Qué red de tarjeta usan, Visa o Mastercard?',
      '¿Puedo tener una Visa y una Mastercard?',
    ],
    details: ['En algunas tiendas solo aceptan Visa.', 'Ya tengo una Mastercard de otro banco.'],
    topic: ['la red de {tu} tarjeta', 'Visa o Mastercard'],
  },
  // card_payments
  declined_card_payment: {
    open: [
      'Me rechazaron la tarjeta en {merchant}',
      '¿Por qué rechazaron mi pago con tarjeta?',
      'Intenté pagar en {place} y [me la rechazaron|salió rechazada]',
      'Mi tarjeta sale rechazada [en todas las tiendas|cada vez que pago]',
      'El pago con mi tarjeta no pasó y tengo saldo',
      'Intenté pagar {n_veces} y siempre sale rechazado',
    ],
    details: ['Era un pago de {amount} en {merchant}.', 'Tengo saldo suficiente, no lo entiendo.'],
    topic: ['el pago rechazado', '{tu} pago rechazado'],
  },
  pending_card_payment: {
    open: [
      '¿Por qué mi pago con tarjeta sigue pendiente?',
      'Tengo un pago pendiente de {merchant} desde {ago}',
      '¿Cuánto tarda un pago pendiente en completarse?',
      'Pagué {ago} y el cargo sigue como pendiente',
      'Mi compra en {merchant} aparece pendiente desde hace días',
    ],
    details: ['Fue un pago de {amount}.', 'El dinero ya no está en mi saldo pero sigue pendiente.'],
    topic: ['{tu} pago pendiente', 'el pago pendiente'],
  },
  'reverted_card_payment?': {
    open: [
      'Me revirtieron un pago con tarjeta',
      '¿Por qué se revirtió mi pago en {merchant}?',
      'Hice un pago y se canceló solo, ¿qué pasó?',
      'El dinero de una compra en {merchant} regresó a mi cuenta sin pedirlo',
      'Mi pago con tarjeta aparece como revertido',
    ],
    details: ['Fue un pago de {amount} {ago}.', 'No pedí ningún reembolso.'],
    topic: ['el pago revertido', '{tu} pago revertido'],
  },
  card_acceptance: {
    open: [
      '¿Dónde aceptan mi tarjeta?',
      '¿Puedo usar la tarjeta en {country}?',
      '¿Qué tiendas aceptan esta tarjeta?',
      '¿Hay lugares donde no acepten mi tarjeta?',
      '¿La tarjeta sirve para compras en línea?',
    ],
    details: ['Me voy a {country} la próxima semana.', 'Compro sobre todo en línea.'],
    topic: ['dónde se acepta {tu} tarjeta', 'la aceptación de la tarjeta'],
  },
  contactless_not_working: {
    open: [
      'El pago sin contacto no funciona',
      'No puedo pagar acercando la tarjeta',
      '¿Por qué no funciona el contactless de mi tarjeta?',
      'Intenté pagar sin contacto en {place} y no pasó',
      'Tengo que meter la tarjeta siempre, el sin contacto no va',
    ],
    details: ['Con chip y PIN sí funciona.', '¿Hay que activarlo en la app?'],
    topic: ['el pago sin contacto', '{tu} pago sin contacto'],
  },
  // cash_withdrawals
  pending_cash_withdrawal: {
    open: [
      '¿Por qué mi retiro en cajero sigue pendiente?',
      'Saqué {cash_asked} en un cajero {ago} y sigue pendiente',
      'Tengo un retiro de efectivo pendiente en la app',
      'El cajero no me dio nada y el retiro aparece pendiente',
      '¿Cuánto tarda en completarse un retiro pendiente?',
    ],
    details: ['Fue en un cajero {atm_place}.', 'No quiero que me cobren dinero que no recibí.'],
    topic: ['el retiro pendiente', '{tu} retiro pendiente'],
  },
  declined_cash_withdrawal: {
    open: [
      'El cajero me rechazó la tarjeta',
      '¿Por qué rechazaron mi retiro de efectivo?',
      'No pude sacar dinero del cajero',
      'Intenté sacar {cash_asked} y el cajero lo rechazó',
      'Ningún cajero me deja sacar efectivo',
    ],
    details: ['Lo intenté en dos cajeros {atm_place}.', 'Tengo saldo de sobra.'],
    topic: ['el retiro rechazado', '{tu} retiro rechazado'],
  },
  wrong_amount_of_cash_received: {
    open: [
      'El cajero me dio menos dinero del que pedí',
      'Pedí {cash_asked} y solo me dio {cash_got}',
      'Saqué {cash_asked} pero recibí {cash_got}',
      'El cajero no me dio el importe completo',
      'Me cobraron {cash_asked} pero el cajero solo me dio {cash_got}',
    ],
    details: ['Fue en el cajero {atm_place} {ago}.', 'Quiero que me devuelvan la diferencia.'],
    topic: ['el efectivo que no recibiste', 'la diferencia de efectivo'],
  },
  atm_support: {
    open: [
      '¿En qué cajeros puedo usar mi tarjeta?',
      '¿Dónde está el cajero más cercano?',
      '¿Puedo sacar dinero en cualquier cajero?',
      '¿Dónde puedo retirar efectivo con la tarjeta?',
      '¿Funciona la tarjeta en cajeros de {country}?',
    ],
    details: ['Estoy {atm_place} ahora mismo.', '¿Hay un mapa de cajeros en la app?'],
    topic: ['los cajeros compatibles', 'qué cajeros usar'],
  },
  card_swallowed: {
    open: [
      'El cajero se tragó mi tarjeta',
      'Mi tarjeta se quedó atorada en el cajero',
      'El cajero no me devolvió la tarjeta',
      '¿Qué hago si el cajero retuvo mi tarjeta?',
      'Un cajero {atm_place} se quedó con mi tarjeta',
    ],
    details: ['Pasó {ago}.', 'En la pantalla decía que la tarjeta fue retenida.'],
    topic: ['la tarjeta retenida', '{tu} tarjeta retenida por el cajero'],
  },
  // transfers
  cancel_transfer: {
    open: [
      '¿Cómo cancelo una {transferencia}?',
      'Quiero cancelar una {transferencia} que acabo de hacer',
      'Mandé dinero a la cuenta equivocada, ¿la {pueden} cancelar?',
      '¿Se puede anular una transferencia?',
      'Me equivoqué en una {transferencia}, necesito cancelarla',
    ],
    details: ['Eran {amount} a {person}.', 'Puse mal la {clabe}.'],
    topic: ['la cancelación de {tu} transferencia', 'la transferencia que quieres cancelar'],
  },
  transfer_not_received_by_recipient: {
    open: [
      'Le mandé dinero a {person} y no le ha llegado',
      '{person} no ha recibido la {transferencia} que le hice {ago}',
      'El destinatario dice que no le llegó mi {transferencia}',
      '¿Dónde está el dinero que le mandé a {person}?',
      'Hice una {transferencia} {ago} y no aparece en la otra cuenta',
    ],
    details: ['Fueron {amount}.', 'Revisé la {clabe} y está bien.'],
    topic: ['la transferencia que no ha recibido el destinatario', '{tu} transferencia'],
  },
  declined_transfer: {
    open: [
      'Me rechazaron una {transferencia}',
      '¿Por qué rechazaron mi transferencia?',
      'La app me rechaza las transferencias',
      'Intenté mandarle dinero a {person} y salió rechazado',
      'Mi {transferencia} fue rechazada, ¿por qué?',
    ],
    details: ['Eran {amount} para {person}.', 'Ya le había transferido antes sin problema.'],
    topic: ['la transferencia rechazada', '{tu} transferencia rechazada'],
  },
  pending_transfer: {
    open: [
      '¿Por qué mi transferencia sigue pendiente?',
      'Mi {transferencia} lleva pendiente {wait}',
      'Hice una transferencia {ago} y sigue en pendiente',
      '¿Cuánto tiempo se queda pendiente una transferencia?',
      'La transferencia a {person} aparece como pendiente',
    ],
    details: ['Son {amount}.', '¿Se puede acelerar?'],
    topic: ['{tu} transferencia pendiente', 'la transferencia pendiente'],
  },
  transfer_timing: {
    open: [
      '¿Cuánto tarda una transferencia en llegar?',
      '¿Cuántos días tarda una transferencia a {country}?',
      '¿Las transferencias son inmediatas?',
      'Tengo que mandar dinero a {country}, ¿cuánto tardará?',
      '¿Cuánto tarda una transferencia internacional?',
    ],
    details: ['Necesito que llegue antes del viernes.', '¿Hay una opción más rápida?'],
    topic: ['los plazos de las transferencias', 'el tiempo de las transferencias'],
  },
  beneficiary_not_allowed: {
    open: [
      'No puedo agregar a un beneficiario',
      'La app dice que el beneficiario no está permitido',
      '¿Por qué no me deja transferir a esta cuenta?',
      'Me sale error al dar de alta un beneficiario nuevo',
      '¿Por qué bloquearon a mi beneficiario?',
    ],
    details: ['El beneficiario es {person}.', 'Ya le había pagado antes.'],
    topic: ['{tu} beneficiario', 'el alta del beneficiario'],
  },
  failed_transfer: {
    open: [
      'Mi transferencia falló',
      '¿Por qué falla mi {transferencia}?',
      'Intento transferir {amount} y me sale error',
      'La transferencia a {person} no se pudo completar',
      'Mis transferencias siguen fallando',
    ],
    details: ['La app solo dice que falló.', 'Es urgente, tengo que pagarle a {person} hoy.'],
    topic: ['la transferencia fallida', '{tu} transferencia fallida'],
  },
  transfer_into_account: {
    open: [
      '¿Cómo paso dinero de otro banco a esta cuenta?',
      '¿Cuáles son mis datos para recibir una transferencia?',
      '¿Cómo meto dinero a mi cuenta por transferencia?',
      'Quiero transferir mis ahorros a esta cuenta',
      '¿Cuál es mi {clabe} para transferir desde otro banco?',
    ],
    details: ['Mi otro banco es de aquí.', 'Quiero pasar {big_amount}.'],
    topic: ['transferir dinero a {tu} cuenta', 'los datos de {tu} cuenta'],
  },
  receiving_money: {
    open: [
      '¿Cómo recibo dinero de {person}?',
      '¿Me pueden depositar la nómina en esta cuenta?',
      '¿Puedo recibir dinero desde el extranjero?',
      '¿Qué datos doy para que me paguen?',
      '¿{person} me puede mandar dinero por {p2p}?',
    ],
    details: ['Es mi sueldo, unos {big_amount} al mes.', 'Me pagarían en dólares.'],
    topic: ['recibir dinero', 'los pagos entrantes'],
  },
  balance_not_updated_after_bank_transfer: {
    open: [
      'Me hice una {transferencia} a esta cuenta y el saldo no cambia',
      'Mi saldo no se actualizó después de la transferencia',
      'La transferencia desde mi otro banco no aparece en el saldo',
      '¿Dónde está el dinero que transferí a mi cuenta {ago}?',
      '¿Cuándo se refleja una transferencia en mi saldo?',
    ],
    details: ['Mi otro banco dice que salió {ago}.', 'Eran {amount}.'],
    topic: ['{tu} saldo tras la transferencia', 'la transferencia entrante'],
  },
  // top_ups
  automatic_top_up: {
    open: [
      '¿Cómo configuro la recarga automática?',
      '¿Tienen recarga automática?',
      '¿Dónde está la opción de recarga automática en la app?',
      'Quiero desactivar la recarga automática',
      '¿Cómo funciona la recarga automática?',
    ],
    details: [
      'Quiero que recargue {amount} cuando baje el saldo.',
      'Me voy de viaje y no quiero quedarme sin saldo.',
    ],
    topic: ['la recarga automática', '{tu} recarga automática'],
  },
  pending_top_up: {
    open: [
      '¿Por qué mi recarga sigue pendiente?',
      'Recargué hace {hours} y sigue pendiente',
      'Mi recarga no se ha completado',
      '¿Cuánto tarda en completarse una recarga?',
      'Tengo una recarga en pendiente desde {hours}',
    ],
    details: ['Fueron {amount} con {ext_card}.', 'Ya me lo cobraron en la otra tarjeta.'],
    topic: ['{tu} recarga pendiente', 'la recarga pendiente'],
  },
  top_up_limits: {
    open: [
      '¿Cuál es el límite de recarga?',
      '¿Cuánto puedo recargar al mes?',
      '¿Hay un máximo para las recargas?',
      '¿Cuántas recargas puedo hacer al día?',
      'Quiero recargar {big_amount}, ¿hay algún límite?',
    ],
    details: ['¿El límite es diario o mensual?', '¿Se puede subir el límite?'],
    topic: ['los límites de recarga', '{tu} límite de recarga'],
  },
  top_up_reverted: {
    open: [
      'Mi recarga se revirtió',
      '¿Por qué me cancelaron la recarga?',
      'Recargué dinero y después desapareció',
      'La app revirtió mi recarga',
      'Tengo una recarga revertida, ¿qué pasó?',
    ],
    details: ['Fueron {amount} {ago}.', 'Primero salió completada y luego se revirtió.'],
    topic: ['{tu} recarga revertida', 'la recarga revertida'],
  },
  topping_up_by_card: {
    open: [
      '¿Cómo recargo con tarjeta?',
      '¿Puedo recargar con {ext_card}?',
      '¿Cómo agrego dinero con mi tarjeta de débito?',
      '¿Otras personas pueden recargar mi cuenta con su tarjeta?',
      '¿Se puede recargar con tarjeta de crédito?',
    ],
    details: ['Quiero recargar {amount}.', '¿Se refleja al momento?'],
    topic: ['recargar con tarjeta', 'las recargas con tarjeta'],
  },
  verify_top_up: {
    open: [
      '¿Cómo verifico mi recarga?',
      'No encuentro el código de verificación de la recarga',
      '¿Por qué tengo que verificar la recarga?',
      '¿Para qué es el código de la recarga?',
      'La app me pide verificar la tarjeta con la que recargué',
    ],
    details: ['Recargué {amount} con {ext_card}.', 'En el estado de cuenta no veo ningún código.'],
    topic: ['la verificación de {tu} recarga', 'verificar la recarga'],
  },
  top_up_by_cash_or_cheque: {
    open: [
      '¿Puedo recargar en efectivo?',
      '¿Dónde recargo con efectivo?',
      '¿Aceptan {cheque} para recargar?',
      'Quiero depositar efectivo {deposito} para recargar',
      '¿Cómo recargo con un {cheque}?',
    ],
    details: ['Tengo {amount} en efectivo.', '¿Hay algún lugar cerca?'],
    topic: ['recargar con efectivo o cheque', 'las recargas en efectivo'],
  },
  top_up_failed: {
    open: [
      'Mi recarga falló',
      '¿Por qué me rechazan la recarga?',
      'No puedo recargar, me da error',
      'La recarga no pasó',
      'Intento recargar y siempre falla',
    ],
    details: ['Usé {ext_card} por {amount}.', 'La tarjeta funciona en otros lados.'],
    topic: ['la recarga fallida', '{tu} recarga fallida'],
  },
  balance_not_updated_after_cheque_or_cash_deposit: {
    open: [
      'Deposité efectivo {ago} y mi saldo no se actualiza',
      'Mi depósito en efectivo no aparece',
      'Deposité un {cheque} y el saldo sigue igual',
      '¿Dónde está el {cheque} que deposité {ago}?',
      '¿Cuánto tarda en reflejarse un depósito en efectivo?',
    ],
    details: ['Fueron {amount}.', 'Tengo el comprobante.'],
    topic: ['{tu} depósito', 'el depósito en efectivo o cheque'],
  },
  supported_cards_and_currencies: {
    open: [
      '¿Qué tarjetas aceptan para recargar?',
      '¿En qué monedas puedo recargar?',
      '¿Puedo recargar con American Express?',
      '¿Aceptan tarjetas extranjeras para recargar?',
      '¿Qué tarjetas y monedas admiten?',
    ],
    details: ['Mi tarjeta es de {country}.', 'Quiero recargar en dólares.'],
    topic: ['las tarjetas y monedas admitidas', 'las tarjetas aceptadas'],
  },
  // exchange_and_currencies
  exchange_rate: {
    open: [
      '¿Qué tipo de cambio tienen [hoy|ahora]?',
      '¿Cómo calculan el tipo de cambio?',
      '¿Dónde veo el tipo de cambio actual?',
      '¿Usan el tipo de cambio interbancario?',
      '¿A cuánto está el cambio de {fx_from} a {fx_to}?',
    ],
    details: ['Quiero cambiar unos {big_amount}.', '¿El tipo cambia los fines de semana?'],
    topic: ['nuestro tipo de cambio', 'el tipo de cambio'],
  },
  exchange_via_app: {
    open: [
      '¿Cómo cambio divisas en la app?',
      '¿Puedo cambiar {fx_from} a {fx_to} en la app?',
      'Quiero convertir {amount} a {fx_to}',
      '¿La app permite cambiar entre monedas?',
      '¿Cómo paso mi saldo a {fx_to}?',
    ],
    details: ['Me voy a {country} pronto.', 'Quiero cambiar {amount}.'],
    topic: ['el cambio de divisas en la app', 'cambiar divisas'],
  },
  fiat_currency_support: {
    open: [
      '¿Qué monedas puedo tener en la cuenta?',
      '¿Puedo tener saldo en varias divisas?',
      '¿Admiten {fx_to}?',
      '¿Qué divisas soportan?',
      '¿Puedo guardar dinero en {fx_to}?',
    ],
    details: ['Me pagan en dólares.', '¿Está el {fx_to} en la lista?'],
    topic: ['las divisas admitidas', 'las monedas disponibles'],
  },
  card_payment_wrong_exchange_rate: {
    open: [
      'Me aplicaron un tipo de cambio incorrecto en una compra',
      'El tipo de cambio de mi pago en {country} está mal',
      '¿Por qué me cobraron otro tipo de cambio en una compra con tarjeta?',
      'Pagué en {fx_to} y el cambio que aplicaron no es el correcto',
      'El tipo de cambio de mi compra en {merchant} no cuadra',
    ],
    details: ['Fue una compra de {amount} {ago}.', 'El tipo que vi en internet era mejor.'],
    topic: ['el tipo de cambio de {tu} compra', 'el cambio aplicado a {tu} pago'],
  },
  wrong_exchange_rate_for_cash_withdrawal: {
    open: [
      'El tipo de cambio de mi retiro en el extranjero está mal',
      'Saqué efectivo en {country} y el tipo de cambio no es correcto',
      '¿Por qué me aplicaron ese tipo de cambio en el cajero?',
      'Me dieron menos efectivo por el tipo de cambio en un cajero de {country}',
      'El cambio del retiro en cajero no cuadra',
    ],
    details: ['Saqué {cash_asked} {ago}.', 'El cajero mostraba otro tipo de cambio.'],
    topic: ['el tipo de cambio de {tu} retiro', 'el cambio aplicado al retiro'],
  },
  // account_and_verification
  age_limit: {
    open: [
      '¿Qué edad hay que tener para abrir una cuenta?',
      '¿{family} puede abrir una cuenta?',
      '¿Hay que ser mayor de edad para abrir una cuenta?',
      '¿Desde qué edad se puede tener cuenta?',
      'Tengo 16 años, ¿puedo abrir una cuenta?',
    ],
    details: ['Tiene 15 años.', '¿Puedo supervisar la cuenta como padre?'],
    topic: ['la edad mínima', 'los requisitos de edad'],
  },
  edit_personal_details: {
    open: [
      '¿Cómo cambio mi dirección?',
      'Me mudé y necesito actualizar mis datos',
      'Me casé y quiero cambiar mi apellido',
      '¿Dónde edito mis datos personales?',
      'Mi correo en la cuenta está mal, ¿cómo lo cambio?',
    ],
    details: ['Mi nueva dirección es en {city}.', 'Tengo mi {doc} como comprobante.'],
    topic: ['{tus} datos personales', 'la actualización de {tus} datos'],
  },
  why_verify_identity: {
    open: [
      '¿Por qué tengo que verificar mi identidad?',
      '¿Para qué necesitan mi {doc}?',
      '¿Por qué me piden tantos datos personales?',
      '¿Puedo usar la cuenta antes de verificar mi identidad?',
      '¿Es obligatoria la verificación de identidad?',
    ],
    details: ['No me da confianza mandar una selfie.', 'Otros bancos no me lo pidieron.'],
    topic: ['por qué verificamos la identidad', 'la verificación de identidad'],
  },
  unable_to_verify_identity: {
    open: [
      'No puedo verificar mi identidad',
      'La verificación de identidad me sigue fallando',
      'La app no reconoce mi {doc}',
      'No consigo demostrar quién soy en la app',
      'Me rechazan el {doc} en la verificación',
    ],
    details: [
      'Lo intenté {n_veces} con mi {doc}.',
      'La foto se ve clara pero dice que no se puede leer.',
    ],
    topic: ['{tu} verificación de identidad', 'la verificación fallida'],
  },
  verify_my_identity: {
    open: [
      '¿Cómo verifico mi identidad?',
      '¿Qué documentos aceptan para verificar la identidad?',
      '¿Cuáles son los pasos de la verificación de identidad?',
      '¿Sirve mi {doc} para verificarme?',
      'Quiero verificar mi identidad, ¿cómo lo hago?',
    ],
    details: ['Tengo mi {doc}.', '¿También hace falta comprobante de domicilio?'],
    topic: ['verificar {tu} identidad', 'la verificación de identidad'],
  },
  verify_source_of_funds: {
    open: [
      '¿Cómo compruebo el origen de mis fondos?',
      '¿Por qué me piden el origen del dinero?',
      '¿Qué documentos sirven para acreditar el origen de los fondos?',
      'Me pidieron verificar el origen de mis fondos, ¿qué mando?',
    ],
    details: ['El dinero viene de mi sueldo.', 'Tengo recibos de nómina.'],
    topic: ['el origen de {tus} fondos', 'la verificación del origen de fondos'],
  },
  terminate_account: {
    open: [
      '¿Cómo cierro mi cuenta?',
      'Quiero cancelar mi cuenta',
      'No estoy contento con el servicio, quiero dar de baja mi cuenta',
      '¿{pueden} eliminar mi cuenta?',
      'Quiero darme de baja',
    ],
    details: ['Me quedan {amount} en la cuenta.', 'Me cambio a otro banco.'],
    topic: ['el cierre de {tu} cuenta', 'cerrar {tu} cuenta'],
  },
  country_support: {
    open: [
      '¿En qué países operan?',
      'Vivo en {country}, ¿puedo abrir una cuenta?',
      '¿Puedo tener la tarjeta si vivo fuera de {pais}?',
      '¿Su servicio está disponible en {country}?',
      'Me mudo a {country}, ¿puedo seguir usando la cuenta?',
    ],
    details: ['Tengo residencia en {country}.', 'Soy residente aquí.'],
    topic: ['los países disponibles', 'los países donde operamos'],
  },
  // security
  lost_or_stolen_card: {
    open: [
      'Perdí mi tarjeta',
      'Me robaron la tarjeta',
      '¿Qué hago si me robaron la tarjeta?',
      'No encuentro mi tarjeta, ¿la {pueden} bloquear?',
      'Me robaron la cartera con la tarjeta',
      'Quiero reportar una tarjeta perdida',
    ],
    details: ['La usé por última vez {ago} en {place}.', 'Necesito una tarjeta nueva.'],
    topic: ['{tu} tarjeta perdida', '{tu} tarjeta robada'],
  },
  compromised_card: {
    open: [
      'Creo que alguien está usando mi tarjeta',
      'Me clonaron la tarjeta',
      'Hay cargos que no hice y creo que robaron los datos de mi tarjeta',
      '¿Cómo reporto un fraude con mi tarjeta?',
      'Alguien usó los datos de mi tarjeta sin permiso',
    ],
    details: ['Compré en una página rara {ago}.', 'La tarjeta la tengo yo.'],
    topic: ['{tu} tarjeta comprometida', 'el fraude con {tu} tarjeta'],
  },
  pin_blocked: {
    open: [
      'Se me bloqueó el PIN',
      '¿Cómo desbloqueo mi PIN?',
      'Puse mal el PIN varias veces y se bloqueó',
      '¿Puedo desbloquear el PIN desde la app?',
      '¿Por qué está bloqueado mi PIN?',
    ],
    details: ['Pasó en un cajero {atm_place}.', 'Ya me acordé del PIN correcto.'],
    topic: ['{tu} PIN bloqueado', 'el desbloqueo del PIN'],
  },
  // fees_and_charges
  card_payment_fee_charged: {
    open: [
      '¿Por qué me cobraron una comisión por pagar con tarjeta?',
      'Tengo una comisión en un pago con tarjeta en {merchant}',
      '¿{cobran} comisión por pagos con tarjeta?',
      'Pagué con tarjeta y me cobraron un cargo extra',
      '¿Por qué algunos pagos con tarjeta tienen comisión?',
    ],
    details: ['La comisión fue de {fee} en un pago de {amount}.', 'Antes no me cobraban nada.'],
    topic: ['la comisión del pago con tarjeta', 'las comisiones de pago'],
  },
  transfer_fee_charged: {
    open: [
      '¿Por qué me cobraron comisión por una transferencia?',
      '¿{cobran} por hacer transferencias?',
      'Hice una {transferencia} y me cobraron una comisión',
      '{person} recibió menos de lo que le mandé, ¿hubo comisión?',
      'Tengo un cargo por transferir dinero',
    ],
    details: ['Mandé {amount} y la comisión fue de {fee}.', 'Nadie me avisó de la comisión.'],
    topic: ['la comisión de la transferencia', 'las comisiones por transferir'],
  },
  top_up_by_bank_transfer_charge: {
    open: [
      '¿Cobran por recargar con transferencia?',
      '¿Cuánto cuesta recargar por {transferencia}?',
      '¿Tiene comisión recibir una transferencia?',
      '¿Es gratis recargar la cuenta por transferencia bancaria?',
    ],
    details: [
      'Mandaría {big_amount} desde mi otro banco.',
      '¿Una transferencia internacional tiene costo?',
    ],
    topic: ['las comisiones por recargar con transferencia', 'la recarga por transferencia'],
  },
  top_up_by_card_charge: {
    open: [
      '¿Cobran por recargar con tarjeta?',
      '¿Cuánto cuesta recargar con {ext_card}?',
      '¿Es gratis recargar con tarjeta de débito?',
      '¿Hay comisión si recargo con una tarjeta extranjera?',
      'Me cobraron una comisión al recargar con tarjeta',
    ],
    details: ['Usaría {ext_card}.', 'Quiero recargar unos {amount}.'],
    topic: ['las comisiones por recargar con tarjeta', 'la recarga con tarjeta'],
  },
  cash_withdrawal_charge: {
    open: [
      '¿Por qué me cobraron comisión por sacar dinero del cajero?',
      '¿Cobran comisión por retirar efectivo?',
      'Tengo una comisión por un retiro en cajero',
      '¿Cuántos retiros gratis tengo al mes?',
      'Saqué {cash_asked} y me cobraron {fee} de comisión',
    ],
    details: ['La comisión fue de {fee}.', 'Antes sacaba efectivo gratis.'],
    topic: ['la comisión por retiro', 'las comisiones de cajero'],
  },
  exchange_charge: {
    open: [
      '¿Cobran comisión por cambiar divisas?',
      '¿Cuánto cuesta cambiar {fx_from} a {fx_to}?',
      'Me cobraron una comisión por el cambio de moneda',
      '¿Hay cargos extra por cambiar de moneda?',
      '¿El cambio de divisas es gratis los fines de semana?',
    ],
    details: ['Cambié {amount} a {fx_to} {ago}.', 'Pensaba que era gratis.'],
    topic: ['la comisión de cambio', 'las comisiones por cambio de divisa'],
  },
  extra_charge_on_statement: {
    open: [
      'Tengo un cargo extra de {small_fee} en mi estado de cuenta',
      '¿Qué es este cargo de {small_fee} en mi cuenta?',
      'Me cobraron {small_fee} de más',
      'Hay un cargo raro y pequeño en mis movimientos',
      '¿De dónde sale este cargo extra de {small_fee}?',
    ],
    details: ['Es de {ago}.', 'No tiene nombre de comercio.'],
    topic: ['el cargo extra', 'el cargo de {tu} estado de cuenta'],
  },
  // refunds_and_disputes
  request_refund: {
    open: [
      'Quiero un reembolso de una compra en {merchant}',
      '¿Cómo pido un reembolso?',
      'Compré algo que nunca llegó y quiero mi dinero de vuelta',
      '¿Me {pueden} devolver el dinero de una compra?',
      'Quiero cancelar una compra y que me reembolsen',
    ],
    details: ['Fueron {amount} en {merchant} {ago}.', 'La tienda no me contesta.'],
    topic: ['{tu} solicitud de reembolso', 'el reembolso'],
  },
  Refund_not_showing_up: {
    open: [
      'Mi reembolso no aparece en la cuenta',
      '{merchant} dice que me devolvió el dinero pero no lo veo',
      '¿Dónde está mi reembolso?',
      'Pedí un reembolso {long_ago} y no ha llegado',
      '¿Cuánto tarda en aparecer un reembolso?',
    ],
    details: ['Son {amount} de {merchant}.', 'Dicen que lo mandaron {ago}.'],
    topic: ['{tu} reembolso pendiente', 'el reembolso que esperas'],
  },
  transaction_charged_twice: {
    open: [
      'Me cobraron dos veces la misma compra',
      'Tengo un cargo duplicado de {merchant}',
      '¿Por qué me cobraron doble?',
      'El mismo pago aparece dos veces en mis movimientos',
      'Quiero que me devuelvan un cargo duplicado',
    ],
    details: ['Los dos son de {amount} en {merchant}.', 'Solo compré una vez.'],
    topic: ['el cargo duplicado', '{tu} cobro doble'],
  },
  card_payment_not_recognised: {
    open: [
      'Hay un pago con tarjeta que no reconozco',
      'Yo no hice este pago en {merchant}',
      '¿Qué es este cargo de {merchant}? No lo reconozco',
      'Tengo cargos en la tarjeta que no hice',
      'Aparece un pago que no es mío',
    ],
    details: ['Son {amount} {ago}.', 'La tarjeta la tengo yo.'],
    topic: ['el pago que no reconoces', 'el pago no reconocido'],
  },
  cash_withdrawal_not_recognised: {
    open: [
      'Hay un retiro de efectivo que no hice',
      'No saqué este dinero pero la app dice que sí',
      'Alguien sacó {cash_asked} de mi cuenta en un cajero',
      'Tengo un retiro en cajero que no reconozco',
      'Me robaron la cartera y aparece un retiro que no hice',
    ],
    details: ['Fue {atm_place} {ago}.', 'A esa hora estaba en casa.'],
    topic: ['el retiro que no reconoces', 'el retiro no reconocido'],
  },
  direct_debit_payment_not_recognised: {
    open: [
      'Tengo un cargo domiciliado que no reconozco',
      '¿Qué es esta domiciliación en mi cuenta?',
      'Quiero reclamar un cargo domiciliado',
      'Me cobraron una domiciliación que no autoricé',
      'Nunca di de alta un cargo automático con {merchant}',
    ],
    details: [
      'Son {amount} de una empresa que no conozco.',
      'Cancelé esa suscripción hace tiempo.',
    ],
    topic: ['el cargo domiciliado', 'la domiciliación no reconocida'],
  },
  // app_and_access
  passcode_forgotten: {
    open: [
      'Olvidé el código de acceso de la app',
      '¿Cómo restablezco mi código de acceso?',
      'No puedo entrar a la app, no me acuerdo del código',
      'Mi código de acceso ya no funciona',
      '¿Me ayudan a cambiar el código de la app?',
    ],
    details: [
      'Cambié de {celular} {ago}.',
      'Lo intenté varias veces y tengo miedo de que se bloquee.',
    ],
    topic: ['{tu} código de acceso', 'restablecer {tu} código'],
  },
  lost_or_stolen_phone: {
    open: [
      'Perdí mi {celular}',
      'Me robaron el {celular} con la app',
      '¿Qué hago si me robaron el {celular}?',
      '¿Alguien puede entrar a mi cuenta con mi {celular} robado?',
      'No puedo entrar a la app porque perdí el {celular}',
    ],
    details: ['Pasó {ago}.', 'La tarjeta la tengo conmigo.'],
    topic: ['{tu} {celular} perdido', '{tu} {celular} robado'],
  },
  apple_pay_or_google_pay: {
    open: [
      '¿Puedo agregar mi tarjeta a Apple Pay?',
      '¿Funciona la tarjeta con Google Pay?',
      '¿Cómo recargo con Apple Pay?',
      'No puedo añadir la tarjeta a Google Pay',
      'Apple Pay no funciona con mi tarjeta',
    ],
    details: ['Tengo un iPhone.', 'Dice que la tarjeta no es compatible.'],
    topic: ['Apple Pay y Google Pay', '{tu} cartera digital'],
  },
};
